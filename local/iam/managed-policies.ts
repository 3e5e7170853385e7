/**
 * The AWS managed policies that this project's templates attach (`ManagedPolicyArns`), with their default
 * version's document as the AWS Managed Policy Reference Guide shows it. A template that attaches another
 * one makes the engine stop with its ARN: pass its document as `IamEngineOptions.managedPolicies`.
 */
import { PolicyDocument } from './policy-document';

export const AWS_MANAGED_POLICIES: Readonly<Record<string, PolicyDocument>> = {
  // v1: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
  },
  // v1: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonAPIGatewayPushToCloudWatchLogs.html
  'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs': {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:PutLogEvents', 'logs:GetLogEvents', 'logs:FilterLogEvents'],
      Resource: '*',
    }],
  },
  // v2: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSXRayDaemonWriteAccess.html
  // (CDK writes the X-Ray statement of a traced function inline, but a hand-built role may attach this).
  'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess': {
    Version: '2012-10-17',
    Statement: [{
      Sid: 'AWSXRayDaemonWriteAccess',
      Effect: 'Allow',
      Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:GetSamplingStatisticSummaries'],
      Resource: ['*'],
    }],
  },
};
