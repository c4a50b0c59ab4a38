import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { TableAccess } from '#functions/registry';
import { TABLE_KEYS } from '#schemas/keys';

/*
 * One table for the whole product; its keys are built by schemas/keys.ts only. Every read is a key
 * lookup or a Query; nothing Scans (the grants below do not even allow dynamodb:Scan).
 *
 * | entity                          | pk                  | sk                             | gsi1pk                    | gsi1sk                         |
 * |---------------------------------|---------------------|--------------------------------|---------------------------|--------------------------------|
 * | county with its towns           | `CATALOG`           | `COUNTY#<countyId>`            |                           |                                |
 * | society                         | `CATALOG`           | `SOCIETY#<societyId>`          |                           |                                |
 * | need                            | `NEED#<needId>`     | `NEED`                         | `COUNTY#<countyId>#NEEDS` | `<status>#<townId>#<needId>`   |
 * | past visit (history)            | `COUNTY#<countyId>` | `VISITED#<season>`             |                           |                                |
 * | round of a season               | `SEASON#<season>`   | `ROUND`                        |                           |                                |
 * | draft visit (planning only)     | `SEASON#<season>`   | `DRAFT#<countyId>`             |                           |                                |
 * | planned visit                   | `SEASON#<season>`   | `VISIT#<countyId>`             |                           |                                |
 * | offer                           | `SEASON#<season>`   | `OFFER#<countyId>#<societyId>` | `SOCIETY#<societyId>`     | `<season>#<countyId>`          |
 * | society's capacity used         | `SEASON#<season>`   | `CAPACITY#<societyId>`         |                           |                                |
 * | county summary (report row)     | `SEASON#<season>`   | `SUMMARY#<countyId>`           |                           |                                |
 * | visit log entry (append-only)   | `VISIT#<visitId>`   | `LOG#<key>`                    |                           |                                |
 * | round log entry (e.g. failure)  | `SEASON#<season>`   | `LOG#<key>`                    |                           |                                |
 * | outbox message                  | `OUTBOX#<season>`   | `<messageId>`                  | `SOCIETY#<s>#MESSAGES`    | `<createdAt>#<messageId>`      |
 * | visit report, one item a version| `VISIT#<visitId>`   | `REPORT#<societyId>#<000001>`  |                           |                                |
 * | a report's retry key            | `VISIT#<visitId>`   | `SUBMISSION#<caller>#<key>`    |                           |                                |
 * | a visit's date                  | `VISIT#<visitId>`   | `SCHEDULE`                     |                           |                                |
 * | a visit date's retry key        | `VISIT#<visitId>`   | `SCHEDULEKEY#<caller>#<key>`   |                           |                                |
 * | user                            | `USERS`             | `USER#<userId>`                |                           |                                |
 * | invitation (code never stored)  | `INVITATION#<hmac>` | `INVITATION`                   |                           |                                |
 * | sign-in attempts (TTL)          | `ATTEMPTS#ip#<ip>` or `ATTEMPTS#code#<hmac>` | `<minute>` |                        |                                |
 * | a robot's messages a minute (TTL)| `ROBOT#<sha256 of its URL>` | `<minute>`            |                           |                                |
 * | audit log entry (append-only)   | `AUDIT`             | `<at>#<entryId>`               |                           |                                |
 * | a season's question wording     | `SEASON#<season>`   | `QUESTIONS#<000001>`           |                           |                                |
 *
 * Second index, `outbox-due` (sparse): an outbox message waiting to go out has dueStatus = `OUTBOX#queued`
 * (dueAt: when it may go) or `OUTBOX#sending` (claimed; dueAt: when the lease ends); sent, cancelled
 * and failed messages have neither attribute.
 *
 * Access patterns:
 * - list counties / societies   = Query pk = CATALOG, sk begins_with COUNTY# / SOCIETY#
 * - a county's open needs       = Query gsi1, gsi1pk = COUNTY#<c>#NEEDS, gsi1sk begins_with `open#`
 * - a county's visit history    = Query pk = COUNTY#<c>, sk begins_with VISITED#
 * - a season's plan / offers    = Query pk = SEASON#<s> (sk begins_with VISIT# / OFFER# / CAPACITY# / LOG#)
 * - a society's offers          = Query gsi1, gsi1pk = SOCIETY#<s> (gsi1sk begins_with <season>#)
 * - a visit's log               = Query pk = VISIT#<id>, sk begins_with LOG#
 * - a visit's reports          = Query pk = VISIT#<id>, sk begins_with REPORT# (a society's latest:
 *                                 sk begins_with REPORT#<societyId>#, descending, Limit 1)
 * - a visit's date             = GetItem pk = VISIT#<id>, sk = SCHEDULE (the coordinator's plan: BatchGetItem)
 * - the audit log, newest first = Query pk = AUDIT, descending, Limit + ExclusiveStartKey
 * - a season's current wording  = Query pk = SEASON#<s>, sk begins_with QUESTIONS#, descending, Limit 1
 * - a season's outbox          = Query pk = OUTBOX#<s> (tests; the dispatcher reads the outbox-due index)
 * - a society's messages        = Query gsi1, gsi1pk = SOCIETY#<s>#MESSAGES, newest first, one page (the team page)
 * - a season's figures          = Query pk = SEASON#<s>, sk begins_with SUMMARY# (pages of 200): one small item per
 *                                 county with its visit's questions, each society's offer (`offer#<s>`) and latest
 *                                 report (`report#<s>`) and the needs submitted (`submitted`), kept by the same
 *                                 transactions that write the offers, reports and needs
 * - a county's offers           = Query pk = SEASON#<s>, sk begins_with OFFER#<countyId># (a liaison's plan, FindNextSociety)
 * - the due messages            = Query outbox-due, dueStatus = OUTBOX#queued, dueAt <= now (the dispatcher), and
 *                                 dueStatus = OUTBOX#sending, dueAt <= now (a lease that ran out). Sparse: a sent,
 *                                 cancelled or failed message leaves the index.
 * - a county's needs            = Query gsi1, gsi1pk = COUNTY#<c>#NEEDS (gsi1sk begins_with `<status>#[<townId>#]`)
 * - a need, a round, an offer   = GetItem on its key
 * - a season's overrides        = GetItem pk = SEASON#<s>, sk = OVERRIDES (ChooseTown, AssignSocieties)
 * - a POST's Idempotency-Key    = the need's own id, `need-<h>`, h = sha256(caller, key): one conditional
 *                                 PutItem creates it once; the item keeps the request's hash (`requestHash`)
 * - a season's draft visits     = Query pk = SEASON#<s>, sk begins_with DRAFT# (AssignSocieties)
 * - a batch's draft visits      = Query pk = SEASON#<s>, sk BETWEEN DRAFT#<first> AND DRAFT#<last> (PersistPlanBatch)
 * - the users                   = Query pk = USERS, sk begins_with USER#; a user = GetItem
 * - an invitation by its code   = GetItem pk = INVITATION#<hmac of the code>; signing in is one transaction
 *                                 (the invitation marked used, the user checked active with it as current)
 * - sign-in attempts            = UpdateItem ADD on the minute's counter (expiresAt: TTL)
 * - a robot's slot this minute  = UpdateItem ADD sent :1 if sent < 20 on the robot's minute (the dispatcher; expiresAt: TTL)
 * The state machine writes the round's failure entry itself: PutItem pk = SEASON#<s>, sk = LOG#failed#<execution name>,
 * and each county's draft visit: PutItem pk = SEASON#<s>, sk = DRAFT#<countyId> (SaveDraftVisit).
 * Items with `expiresAt` (epoch seconds) are removed by TTL (e.g. delivered outbox messages).
 */

/** Key attribute names, shared with the code that writes items (schemas/keys.ts spells every key). */
export { TABLE_KEYS };

/** Item reads a function may do: key lookups and Queries, never Scan. */
export const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;

/**
 * Item writes on top of the reads (TransactWriteItems is authorised through these same actions).
 * No DeleteItem: nothing deletes an item (TTL removes expired ones without a grant).
 */
export const WRITE_ACTIONS = [
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:BatchWriteItem',
] as const;

export interface RoundsTableProps {
  /**
   * What happens to the table when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Whether CloudFormation may delete the table at all.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/** The product's single DynamoDB table (see the access-pattern table above). */
export class RoundsTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: RoundsTableProps = {}) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection ?? true,
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_KEYS.gsi1.indexName,
      partitionKey: { name: TABLE_KEYS.gsi1.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.gsi1.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE_KEYS.outboxDue.indexName,
      partitionKey: { name: TABLE_KEYS.outboxDue.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.outboxDue.sortKey, type: dynamodb.AttributeType.STRING },
      // The dispatcher reads a due message's key here and the message itself when it claims it.
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: ['season', 'id'],
    });
  }

  /**
   * Wire a function to the table: sets `TABLE_NAME` and grants exactly the item actions of
   * `access` on the table and on gsi1 (no Scan, no table management, no other index).
   */
  public grantTo(fn: lambda.Function, access: TableAccess): void {
    if (access === 'none') return;
    if (access === 'outbox') {
      this.grantOutboxDelivery(fn);
      return;
    }
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: access === 'read' ? [...READ_ACTIONS] : [...READ_ACTIONS, ...WRITE_ACTIONS],
      resourceArns: [this.table.tableArn, `${this.table.tableArn}/index/${TABLE_KEYS.gsi1.indexName}`],
    });
  }

  /**
   * The outbox dispatcher's access on top of `read`: Query the due messages on the outbox-due index,
   * and UpdateItem on the table (claim, settle). No PutItem: it never creates an item.
   */
  private grantOutboxDelivery(fn: lambda.Function): void {
    this.grantTo(fn, 'read');
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['dynamodb:Query'],
      resourceArns: [`${this.table.tableArn}/index/${TABLE_KEYS.outboxDue.indexName}`],
    });
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['dynamodb:UpdateItem'],
      resourceArns: [this.table.tableArn],
    });
  }
}
