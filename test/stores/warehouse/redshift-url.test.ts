/** Redshift warehouse URLs: every sign-in form parsed, every malformed URL refused with its reason. */
import { describe, expect, it } from 'vitest';
import { parseRedshiftUrl } from '../../../stores/warehouse/redshift-url';

const ROLE = 'arn:aws:iam::123456789012:role/RedshiftCopy';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loadout-AbC123';

describe('parseRedshiftUrl', () => {
  it.each([
    [
      'provisioned cluster, temporary credentials for a database user',
      `redshift://loadout-prod/dev?dbUser=loader&iamRole=${ROLE}&region=eu-west-1`,
      {
        target: 'cluster',
        clusterIdentifier: 'loadout-prod',
        database: 'dev',
        dbUser: 'loader',
        iamRole: ROLE,
        region: 'eu-west-1',
      },
    ],
    [
      'provisioned cluster, Secrets Manager',
      `redshift://loadout-prod/dev?secretArn=${encodeURIComponent(SECRET)}&iamRole=default`,
      { target: 'cluster', clusterIdentifier: 'loadout-prod', database: 'dev', secretArn: SECRET, iamRole: 'default' },
    ],
    [
      "provisioned cluster, the caller's IAM identity",
      'redshift://loadout-prod/dev',
      { target: 'cluster', clusterIdentifier: 'loadout-prod', database: 'dev' },
    ],
    [
      'serverless workgroup, IAM identity, with tuning',
      `redshift-serverless://analytics-wg/dev?iamRole=${ROLE}&statementTimeoutSeconds=600&pollIntervalMs=100&maxPollIntervalMs=2000&withEvent=true`,
      {
        target: 'serverless',
        workgroupName: 'analytics-wg',
        database: 'dev',
        iamRole: ROLE,
        statementTimeoutSeconds: 600,
        pollIntervalMs: 100,
        maxPollIntervalMs: 2000,
        withEvent: true,
      },
    ],
    [
      'serverless workgroup, Secrets Manager',
      `redshift-serverless://analytics-wg/dev?secretArn=${SECRET}`,
      { target: 'serverless', workgroupName: 'analytics-wg', database: 'dev', secretArn: SECRET },
    ],
  ])('%s', (_what, url, expected) => {
    expect(parseRedshiftUrl(url)).toEqual({
      statementTimeoutSeconds: 3600,
      pollIntervalMs: 250,
      maxPollIntervalMs: 5000,
      withEvent: false,
      ...expected,
    });
  });

  it.each([
    ['not a URL', 'loadout-prod/dev', /not a URL/],
    ['no cluster id', 'redshift:///dev', /the cluster id is missing/],
    ['another scheme', 'postgres://h/db', /scheme postgres: is neither/],
    ['no database', 'redshift://loadout-prod', /exactly \/<database>/],
    ['a deeper path', 'redshift://loadout-prod/dev/extra', /exactly \/<database>/],
    ['a port', 'redshift://loadout-prod:5439/dev', /no port/],
    ['a password', 'redshift://loader:secret@loadout-prod/dev', /credentials do not go in the URL/],
    ['an upper-case cluster id', 'redshift://Loadout_Prod/dev', /cluster id: lower-case/],
    ['the workgroup: form', 'redshift://workgroup:analytics/dev', /redshift-serverless:\/\/<workgroup>\/<database>/],
    ['an unknown parameter', 'redshift://loadout-prod/dev?user=loader', /unknown parameter user/],
    ['a repeated parameter', 'redshift://loadout-prod/dev?dbUser=a&dbUser=b', /dbUser is given twice/],
    ['dbUser and secretArn', `redshift://loadout-prod/dev?dbUser=a&secretArn=${SECRET}`, /give one/],
    ['dbUser on serverless', 'redshift-serverless://analytics-wg/dev?dbUser=a', /dbUser is for provisioned clusters/],
    ['a bad role', 'redshift://loadout-prod/dev?iamRole=RedshiftCopy', /iamRole: arn:aws:iam/],
    ['a bad secret', 'redshift://loadout-prod/dev?secretArn=loadout', /secretArn: arn:aws:secretsmanager/],
    ['a bad region', 'redshift://loadout-prod/dev?region=europe', /region: an AWS region/],
    [
      'a non-numeric timeout',
      'redshift://loadout-prod/dev?statementTimeoutSeconds=1h',
      /statementTimeoutSeconds must be a whole number/,
    ],
    ['a zero timeout', 'redshift://loadout-prod/dev?statementTimeoutSeconds=0', /expected number to be >=1|>=1/],
    [
      'poll cap below the first poll',
      'redshift://loadout-prod/dev?pollIntervalMs=6000&maxPollIntervalMs=100',
      /maxPollIntervalMs must not be less/,
    ],
    ['withEvent=yes', 'redshift://loadout-prod/dev?withEvent=yes', /withEvent must be true or false/],
  ])('refuses %s', (_what, url, reason) => {
    expect(() => parseRedshiftUrl(url)).toThrow(reason);
    expect(() => parseRedshiftUrl(url)).toThrow(/invalid Redshift warehouse URL/);
  });
});
