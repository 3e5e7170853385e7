import { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';

/** The figures of one order, in the order the endpoint returns them (enrichment appends them so). */
export const FIGURES = ['unitsSold', 'unitPrice', 'unitCost', 'totalRevenue', 'totalCost', 'totalProfit'] as const;

export type FinancialFigures = { readonly uuid: string } & { readonly [figure in typeof FIGURES[number]]: number | null };

/** The endpoint's answer from a table item (`uuid` S, the figures N); a missing figure is null. */
export function figuresFromItem(uuid: string, item: Record<string, AttributeValue>): FinancialFigures {
  const figures: Record<string, number | null> = {};
  for (const figure of FIGURES) {
    const value = item[figure]?.N ?? item[figure]?.S;
    figures[figure] = value === undefined || value === '' ? null : Number(value);
  }
  return { uuid, ...figures } as FinancialFigures;
}

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
