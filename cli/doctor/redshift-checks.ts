/**
 * The doctor's Redshift-only checks, before it loads anything: COPY needs an IAM role and reads the
 * lake from S3 in the cluster's own region (REGION is refused for columnar COPY: AWS, "COPY from
 * columnar data formats"). The COPY of the scratch load then proves the role can read the bucket.
 */
import { GetBucketLocationCommand, type S3Client } from '@aws-sdk/client-s3';
import { defaultS3Client } from '../../stores/object/s3-store';
import { IAM_ROLE_ARN } from '../../stores/warehouse/sql/redshift-copy-sql';
import type { RedshiftWarehouse } from '../../stores/warehouse/redshift-warehouse';

/** The role COPY assumes, from the URL's iamRole; throws saying what to add. */
export function copyRoleCheck(warehouse: RedshiftWarehouse): string {
  const role = warehouse.config.iamRole;
  if (role === undefined)
    throw new Error(
      'no iamRole in the warehouse URL: add &iamRole=arn:aws:iam::<account>:role/<name> (a role the cluster may assume, with s3:GetObject and s3:ListBucket on the lake), or &iamRole=default',
    );
  if (role !== 'default' && !IAM_ROLE_ARN.test(role))
    throw new Error(`iamRole ${role} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>) nor default`);
  return role === 'default' ? "the cluster's default IAM role" : role;
}

/** S3's answer for a bucket's region: no constraint is us-east-1, and the legacy "EU" is eu-west-1. */
export function bucketRegionOf(locationConstraint: string | undefined): string {
  if (locationConstraint === undefined || locationConstraint === '') return 'us-east-1';
  return locationConstraint === 'EU' ? 'eu-west-1' : locationConstraint;
}

/** The lake's bucket is in the warehouse's region; returns "bucket in region". */
export async function bucketRegionCheck(
  warehouse: RedshiftWarehouse,
  lakeLocation: string,
  s3: S3Client = defaultS3Client(),
): Promise<string> {
  const m = /^s3:\/\/([^/]+)/.exec(lakeLocation);
  if (!m)
    throw new Error(`the lake is ${lakeLocation}: Redshift's COPY reads S3, so set the lake to s3://bucket/prefix`);
  const bucket = m[1]!;
  const answer = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
  const bucketRegion = bucketRegionOf(answer.LocationConstraint);
  const warehouseRegion = await warehouse.region();
  if (warehouseRegion === undefined)
    throw new Error('no region for the warehouse: add &region=<region> to the warehouse URL or set AWS_REGION');
  if (bucketRegion !== warehouseRegion)
    throw new Error(
      `bucket ${bucket} is in ${bucketRegion} but the warehouse is in ${warehouseRegion}: columnar COPY takes no REGION, so put the lake in ${warehouseRegion}`,
    );
  return `bucket ${bucket} in ${bucketRegion}, as the warehouse`;
}
