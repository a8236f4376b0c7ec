/**
 * Redshift warehouse URLs (`LOADOUT_WAREHOUSE`, `--warehouse`) parsed and validated into the adapter's
 * configuration, one form per way of signing in:
 *   redshift://<cluster-id>/<database>?dbUser=<user>&iamRole=<arn>      provisioned cluster, temporary
 *                                                                       credentials for a database user
 *                                                                       (redshift:GetClusterCredentials)
 *   redshift://<cluster-id>/<database>?secretArn=<arn>&iamRole=<arn>    provisioned cluster, Secrets Manager
 *   redshift://<cluster-id>/<database>?iamRole=<arn>                    provisioned cluster, the caller's IAM
 *                                                                       identity (GetClusterCredentialsWithIAM)
 *   redshift-serverless://<workgroup>/<database>?iamRole=<arn>          Redshift Serverless, the caller's IAM
 *                                                                       identity (redshift-serverless:GetCredentials)
 *   redshift-serverless://<workgroup>/<database>?secretArn=<arn>&...    Redshift Serverless, Secrets Manager
 * Other parameters: region (else the SDK's chain: AWS_REGION, profile), iamRole (the role Redshift
 * assumes to read the staged files and manifests in S3; `default` for the cluster's default role;
 * needed by merge only), statementTimeoutSeconds (3600), pollIntervalMs (first poll delay, 250, doubling
 * up to maxPollIntervalMs, 5000), withEvent (false; true sends an EventBridge event per statement).
 * Unknown parameters are refused. AWS credentials come from the SDK's standard chain, never the URL.
 */
import { z } from 'zod';
import { IAM_ROLE_ARN } from './sql/redshift-copy-sql';

const CLUSTER_ID = /^[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$/;
const WORKGROUP = /^[a-z0-9-]{3,64}$/;
const DATABASE = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;
const DB_USER = /^[A-Za-z0-9_.@+$-]{1,128}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

const common = {
  database: z.string().regex(DATABASE, 'database: letters, digits, _ or $, starting with a letter or _'),
  region: z.string().regex(REGION, 'region: an AWS region such as eu-west-1').optional(),
  iamRole: z
    .string()
    .refine((v) => v === 'default' || IAM_ROLE_ARN.test(v), 'iamRole: arn:aws:iam::<account>:role/<name>, or default')
    .optional(),
  secretArn: z
    .string()
    .regex(SECRET_ARN, 'secretArn: arn:aws:secretsmanager:<region>:<account>:secret:<name>')
    .optional(),
  statementTimeoutSeconds: z.number().int().min(1).max(86_400).default(3600),
  pollIntervalMs: z.number().int().min(1).max(60_000).default(250),
  maxPollIntervalMs: z.number().int().min(1).max(60_000).default(5000),
  withEvent: z.boolean().default(false),
};

export const RedshiftConfig = z
  .discriminatedUnion('target', [
    z
      .object({
        target: z.literal('cluster'),
        clusterIdentifier: z
          .string()
          .regex(
            CLUSTER_ID,
            'cluster id: lower-case letters, digits and single hyphens, 1-63 characters, starting with a letter',
          ),
        dbUser: z.string().regex(DB_USER, 'dbUser: a database user name').optional(),
        ...common,
      })
      .refine((c) => !(c.dbUser !== undefined && c.secretArn !== undefined), {
        message: 'dbUser and secretArn are two ways of signing in: give one',
        path: ['dbUser'],
      }),
    z.object({
      target: z.literal('serverless'),
      workgroupName: z.string().regex(WORKGROUP, 'workgroup: lower-case letters, digits and hyphens, 3-64 characters'),
      ...common,
    }),
  ])
  .refine((c) => c.maxPollIntervalMs >= c.pollIntervalMs, {
    message: 'maxPollIntervalMs must not be less than pollIntervalMs',
    path: ['maxPollIntervalMs'],
  });
export type RedshiftConfig = z.infer<typeof RedshiftConfig>;
export type RedshiftConfigInput = z.input<typeof RedshiftConfig>;

const URL_FORMS =
  'redshift://<cluster-id>/<database>?dbUser=<user>|secretArn=<arn>&iamRole=<arn> ' +
  'or redshift-serverless://<workgroup>/<database>?iamRole=<arn>';
const NUMBER_PARAMS = ['statementTimeoutSeconds', 'pollIntervalMs', 'maxPollIntervalMs'] as const;
const STRING_PARAMS = ['dbUser', 'secretArn', 'iamRole', 'region'] as const;
const URL_PARAMS: readonly string[] = [...STRING_PARAMS, ...NUMBER_PARAMS, 'withEvent'];

export function isRedshiftUrl(url: string): boolean {
  return /^redshift(-serverless)?:\/\//.test(url);
}

/** Parses and validates a Redshift warehouse URL (forms in the module comment); throws with the reason. */
export function parseRedshiftUrl(url: string): RedshiftConfig {
  const fail = (why: string): never => {
    throw new Error(`invalid Redshift warehouse URL ${JSON.stringify(url)}: ${why} (expected ${URL_FORMS})`);
  };
  if (/^redshift:\/\/workgroup:/.test(url))
    fail('a serverless workgroup is written redshift-serverless://<workgroup>/<database>');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail('not a URL');
  }
  const serverless = parsed.protocol === 'redshift-serverless:';
  if (!serverless && parsed.protocol !== 'redshift:')
    fail(`scheme ${parsed.protocol} is neither redshift: nor redshift-serverless:`);
  if (parsed.username !== '' || parsed.password !== '')
    fail('credentials do not go in the URL: use dbUser, secretArn or the IAM identity');
  if (parsed.port !== '') fail('no port: the Data API addresses the cluster or workgroup by name');
  if (parsed.hash !== '') fail('no #fragment');
  const host = decodeURIComponent(parsed.hostname);
  if (host === '') fail(serverless ? 'the workgroup name is missing' : 'the cluster id is missing');
  const segments = parsed.pathname.split('/').slice(1);
  if (segments.length !== 1 || segments[0] === '') fail('the path must be exactly /<database>');
  const database = decodeURIComponent(segments[0]!);

  const raw: Record<string, unknown> = {};
  for (const [key, value] of parsed.searchParams) {
    if (!URL_PARAMS.includes(key)) fail(`unknown parameter ${key} (known: ${URL_PARAMS.join(', ')})`);
    if (key in raw) fail(`parameter ${key} is given twice`);
    if ((NUMBER_PARAMS as readonly string[]).includes(key)) {
      if (!/^\d{1,9}$/.test(value)) fail(`${key} must be a whole number, not ${JSON.stringify(value)}`);
      raw[key] = Number(value);
    } else if (key === 'withEvent') {
      if (value !== 'true' && value !== 'false') fail(`withEvent must be true or false, not ${JSON.stringify(value)}`);
      raw[key] = value === 'true';
    } else {
      raw[key] = value;
    }
  }
  if (serverless && 'dbUser' in raw)
    fail('dbUser is for provisioned clusters; Redshift Serverless signs in with the IAM identity or secretArn');
  const candidate = serverless
    ? { target: 'serverless', workgroupName: host, database, ...raw }
    : { target: 'cluster', clusterIdentifier: host, database, ...raw };
  const result = RedshiftConfig.safeParse(candidate);
  if (!result.success) fail(result.error.issues.map((i) => i.message).join('; '));
  return result.data!;
}
