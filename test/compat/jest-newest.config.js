// The compatibility tests (test/compat/) again, against the newest aws-cdk-lib: the devDependency alias
// `aws-cdk-lib-newest` (.projenrc.ts) stands in for `aws-cdk-lib` wherever it is required — by the construct,
// the example, the local cloud and the tests alike. The main jest run covers the floor, the package's own pin.
const base = require('../../package.json').jest;

module.exports = {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/test/compat/**/*.test.ts'],
  collectCoverage: false,
  moduleNameMapper: {
    '^aws-cdk-lib$': 'aws-cdk-lib-newest',
    '^aws-cdk-lib/(.*)$': 'aws-cdk-lib-newest/$1',
  },
  reporters: ['default', ['jest-junit', { outputDirectory: 'test-reports', outputName: 'junit-newest.xml' }]],
};
