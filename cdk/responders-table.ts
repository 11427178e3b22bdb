// The one DynamoDB table: responders, API keys and request history, keyed as the store expects.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { TableSchema } from './table-schema.ts';

export interface RespondersTableProps {
  readonly schema: TableSchema;
  /** Deletion protection and RETAIN; off only for throwaway stacks. */
  readonly retainData: boolean;
}

export function createRespondersTable(scope: Construct, id: string, props: RespondersTableProps): TableV2 {
  const { schema } = props;
  return new TableV2(scope, id, {
    partitionKey: { name: schema.partitionKey, type: AttributeType.STRING },
    sortKey: { name: schema.sortKey, type: AttributeType.STRING },
    billing: Billing.onDemand(),
    timeToLiveAttribute: schema.ttlAttribute,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: props.retainData,
    removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    globalSecondaryIndexes: schema.indexes.map((index) => ({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      ...(index.sortKey === undefined
        ? {}
        : { sortKey: { name: index.sortKey, type: AttributeType.STRING } }),
    })),
  });
}
