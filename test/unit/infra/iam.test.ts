import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  API_FUNCTIONS,
  type ApiFunctionId,
  ROUND_FUNCTIONS,
  type RoundFunctionId,
} from '#functions/registry';
import { TASK_ANSWER_ACTIONS } from '#infra/round-state-machine';
import { READ_ACTIONS, WRITE_ACTIONS } from '#infra/table';
import {
  actionsOf,
  type CfnJson,
  logicalIdOf,
  PLACEHOLDER_ACCOUNT,
  PLACEHOLDER_REGION,
  resolveWithPlaceholders,
  resourcesOf,
  roleOfFunction,
  type Statement,
  statementsOfRole,
  synthRounds,
} from '#support/template';

const { stack, template, json, idOf } = synthRounds();
const tableId = idOf(stack.table.table);
const topicId = idOf(stack.notifications.topic);
const tableResources = [
  { 'Fn::GetAtt': [tableId, 'Arn'] },
  { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/gsi1']] },
];
const roleStatements = (fnId: RoundFunctionId) =>
  statementsOfRole(json, roleOfFunction(json, idOf(stack.roundFunctions[fnId])));
const dynamoActions = (statements: Statement[]) =>
  statements.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'));
const allPolicyStatements = (): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (r) => r.Properties.PolicyDocument.Statement,
  );

describe('IAM: least privilege per round function', () => {
  it('FrameFiveQuestions (pure) has no DynamoDB and no SNS action at all', () => {
    const statements = roleStatements('FrameFiveQuestions');
    expect(statements.length).toBeGreaterThan(0);
    expect(dynamoActions(statements)).toEqual([]);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('sns:'))).toEqual([]);
    expect(statements.flatMap(actionsOf).sort()).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
  });

  it.each(['LoadRound', 'ChooseTown', 'ListPendingOffers'] as const)(
    '%s may only read the table (GetItem, BatchGetItem, Query) on the table and gsi1',
    (fnId) => {
      const roleId = roleOfFunction(json, idOf(stack.roundFunctions[fnId]));
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
              Resource: tableResources,
            },
          ]),
        },
      });
      expect(dynamoActions(roleStatements(fnId)).sort()).toEqual([...READ_ACTIONS].sort());
      expect(
        roleStatements(fnId)
          .flatMap(actionsOf)
          .some((a) => a.startsWith('sns:')),
      ).toBe(false);
    },
  );

  it.each([
    'AssignSocieties',
    'PersistPlan',
    'SendOfferAndWaitForAnswer',
    'RecordAnswer',
    'FindNextSociety',
    'CompleteRound',
  ] as const)('%s may read and write items, and nothing more on the table', (fnId) => {
    expect(dynamoActions(roleStatements(fnId)).sort()).toEqual([...READ_ACTIONS, ...WRITE_ACTIONS].sort());
    const roleId = roleOfFunction(json, idOf(stack.roundFunctions[fnId]));
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['dynamodb:PutItem', 'dynamodb:UpdateItem']),
            Resource: tableResources,
          }),
        ]),
      },
    });
  });

  it('gives no round function any SNS or SES action: the state machine alerts, the dispatcher delivers', () => {
    for (const fnId of Object.keys(ROUND_FUNCTIONS) as RoundFunctionId[]) {
      const actions = roleStatements(fnId).flatMap(actionsOf);
      expect(
        actions.filter((a) => a.startsWith('sns:') || a.startsWith('ses:')),
        fnId,
      ).toEqual([]);
    }
  });

  it('grants nobody dynamodb:DeleteItem or states:SendTaskHeartbeat (nothing deletes, nothing heartbeats)', () => {
    const actions = allPolicyStatements().flatMap(actionsOf);
    expect(actions).toContain('dynamodb:UpdateItem');
    expect(actions).not.toContain('dynamodb:DeleteItem');
    expect(actions).not.toContain('states:SendTaskHeartbeat');
  });

  it('grants dynamodb:Scan nowhere, in any policy of the stack', () => {
    const actions = allPolicyStatements().flatMap(actionsOf);
    expect(actions.length).toBeGreaterThan(10);
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((a) => /^dynamodb:(\*|Scan|.*\*)/.test(a))).toEqual([]);
  });

  it('never grants a DynamoDB action on "*" or on a wildcard index', () => {
    const dynamoStatements = allPolicyStatements().filter((s) =>
      actionsOf(s).some((a) => a.startsWith('dynamodb:')),
    );
    expect(dynamoStatements.length).toBeGreaterThan(5);
    for (const statement of dynamoStatements) {
      for (const resource of resourcesOf(statement)) {
        expect(resource).not.toBe('*');
        expect(JSON.stringify(resource)).not.toContain('/index/*');
      }
    }
  });

  it('lets an API function only read the table unless its registry entry gives it more', () => {
    const readOnly = Object.keys(stack.api.functions).filter(
      (id) => API_FUNCTIONS[id as ApiFunctionId].table === 'read',
    );
    expect(readOnly).toEqual(
      expect.arrayContaining(['GetCounties', 'GetSeasonPlan', 'ListNeeds', 'GetNeed']),
    );
    for (const id of readOnly) {
      const statements = statementsOfRole(json, roleOfFunction(json, idOf(stack.api.functions[id]!)));
      expect(dynamoActions(statements).sort()).toEqual([...READ_ACTIONS].sort());
    }
  });

  it.each(['PostNeed', 'PatchNeed', 'WithdrawNeed'] as const)(
    '%s may read and write items on the table and gsi1, and nothing more',
    (fnId) => {
      expect(API_FUNCTIONS[fnId].table).toBe('readWrite');
      const roleId = roleOfFunction(json, idOf(stack.api.functions[fnId]!));
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: Match.arrayWith([
                'dynamodb:ConditionCheckItem',
                'dynamodb:PutItem',
                'dynamodb:UpdateItem',
              ]),
              Resource: tableResources,
            }),
          ]),
        },
      });
      const statements = statementsOfRole(json, roleOfFunction(json, idOf(stack.api.functions[fnId]!)));
      expect(dynamoActions(statements).sort()).toEqual([...READ_ACTIONS, ...WRITE_ACTIONS].sort());
    },
  );

  it('gives the OpenAPI function no DynamoDB action at all', () => {
    expect(API_FUNCTIONS.GetOpenApi.table).toBe('none');
    const statements = statementsOfRole(json, roleOfFunction(json, idOf(stack.api.functions.GetOpenApi!)));
    expect(statements.length).toBeGreaterThan(0);
    expect(dynamoActions(statements)).toEqual([]);
  });
});

describe('IAM: the outbox dispatcher (DispatchOutbox)', () => {
  const fnId = idOf(stack.outbox.function);
  const statements = statementsOfRole(json, roleOfFunction(json, fnId));
  const withAction = (action: string) => statements.filter((s) => actionsOf(s).includes(action));
  const identityArn = (name: unknown) => ({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':ses:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':identity/',
        name,
      ],
    ],
  });

  it('may send e-mail only as the sender address or its domain (ses:SendEmail, nothing else of SES)', () => {
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('ses:'))).toEqual(['ses:SendEmail']);
    expect(withAction('ses:SendEmail')).toEqual([
      {
        Effect: 'Allow',
        Action: 'ses:SendEmail',
        Resource: [
          identityArn({ Ref: 'SenderEmail' }),
          identityArn({ 'Fn::Select': [1, { 'Fn::Split': ['@', { Ref: 'SenderEmail' }] }] }),
        ],
      },
    ]);
  });

  it('reads the table, Queries the outbox-due index and updates items: no PutItem, no BatchWrite, no DeleteItem', () => {
    expect(withAction('dynamodb:UpdateItem')).toEqual([
      { Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } },
    ]);
    expect(withAction('dynamodb:Query').flatMap(resourcesOf)).toEqual([
      ...tableResources,
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/outbox-due']] },
    ]);
    expect(dynamoActions(statements).sort()).toEqual(
      [...READ_ACTIONS, 'dynamodb:Query', 'dynamodb:UpdateItem'].sort(),
    );
  });

  it('may not publish to SNS unless SMS is enabled', () => {
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('sns:'))).toEqual([]);
  });
});

describe('IAM: the state machine role', () => {
  const roleId = idOf(stack.round.stateMachine.role);
  const statements = statementsOfRole(json, roleId);

  it('may invoke exactly the nine round functions', () => {
    const invoked = statements
      .filter((s) => actionsOf(s).includes('lambda:InvokeFunction'))
      .flatMap(resourcesOf)
      .map((r) => JSON.stringify(r));
    for (const fnId of Object.keys(ROUND_FUNCTIONS) as RoundFunctionId[]) {
      expect(invoked).toContain(JSON.stringify({ 'Fn::GetAtt': [idOf(stack.roundFunctions[fnId]), 'Arn'] }));
    }
    const functionIds = new Set(
      statements
        .filter((s) => actionsOf(s).includes('lambda:InvokeFunction'))
        .flatMap(resourcesOf)
        .map((r) => JSON.stringify(r).match(/"Fn::GetAtt":\["([^"]+)"/)?.[1]),
    );
    expect(functionIds.size).toBe(Object.keys(ROUND_FUNCTIONS).length);
  });

  it('may only PutItem on the table (the failure log), nothing else in DynamoDB', () => {
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(actionsOf(dynamo[0] as Statement)).toEqual(['dynamodb:PutItem']);
    expect(JSON.stringify(dynamo[0]?.Resource)).toContain(`{"Ref":"${tableId}"}`);
  });

  it('may publish the coordinator alert to the alert topic only', () => {
    const publish = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('sns:')));
    expect(publish).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: topicId } }]);
  });

  it('has nothing beyond invoke, PutItem, the alert publish, its own child executions, log delivery and X-Ray', () => {
    const services = new Set(statements.flatMap(actionsOf).map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'lambda', 'logs', 'sns', 'states', 'xray']);
    // The Distributed Maps start, describe, stop and redrive executions of this state machine only.
    const machine = idOf(stack.round.stateMachine);
    const statesStatements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('states:')));
    expect(statesStatements.flatMap(actionsOf).sort()).toEqual([
      'states:DescribeExecution',
      'states:RedriveExecution',
      'states:StartExecution',
      'states:StopExecution',
    ]);
    for (const statement of statesStatements)
      expect(JSON.stringify(resourcesOf(statement))).toContain(machine);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('lambda:'))).toEqual(
      Array(Object.keys(ROUND_FUNCTIONS).length).fill('lambda:InvokeFunction'),
    );
  });
});

describe('IAM: API functions on the round state machine', () => {
  const smId = idOf(stack.round.stateMachine);
  const apiStatements = (fnId: string) =>
    statementsOfRole(json, roleOfFunction(json, idOf(stack.api.functions[fnId]!)));
  const statesActions = (fnId: string) =>
    apiStatements(fnId)
      .flatMap(actionsOf)
      .filter((a) => a.startsWith('states:'));

  it('lets StartRound (POST /rounds) start this state machine and nothing else on it', () => {
    expect(API_FUNCTIONS.StartRound.round).toBe('start');
    expect(
      apiStatements('StartRound').filter((s) => actionsOf(s).some((a) => a.startsWith('states:'))),
    ).toEqual([{ Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: smId } }]);
    expect(
      json.Resources[idOf(stack.api.functions.StartRound!)].Properties.Environment.Variables
        .STATE_MACHINE_ARN,
    ).toEqual({
      Ref: smId,
    });
  });

  it('lets AnswerAssignment answer a waiting offer: SendTaskSuccess and SendTaskFailure, nothing else of Step Functions', () => {
    expect(API_FUNCTIONS.AnswerAssignment.round).toBe('answer');
    expect(
      apiStatements('AnswerAssignment').filter((s) => actionsOf(s).some((a) => a.startsWith('states:'))),
    ).toEqual([{ Effect: 'Allow', Action: [...TASK_ANSWER_ACTIONS], Resource: '*' }]);
    expect(dynamoActions(apiStatements('AnswerAssignment')).sort()).toEqual(
      [...READ_ACTIONS, ...WRITE_ACTIONS].sort(),
    );
  });

  it('gives no other API function any Step Functions action', () => {
    for (const fnId of Object.keys(stack.api.functions)) {
      if ('round' in API_FUNCTIONS[fnId as ApiFunctionId]) continue;
      expect(statesActions(fnId), fnId).toEqual([]);
    }
  });

  it('lets FileVisitReport write (versions, needs’ status) and keeps the other team reads read-only', () => {
    for (const fnId of ['FileVisitReport', 'ScheduleVisit']) {
      expect(dynamoActions(apiStatements(fnId)).sort(), fnId).toEqual(
        [...READ_ACTIONS, ...WRITE_ACTIONS].sort(),
      );
    }
    for (const fnId of [
      'ListAssignments',
      'GetVisitLog',
      'GetVisit',
      'GetVisitCalendar',
      'GetSeasonReport',
      'StartRound',
    ]) {
      expect(dynamoActions(apiStatements(fnId)).sort(), fnId).toEqual([...READ_ACTIONS].sort());
    }
  });
});

describe('IAM: the coordinator’s notifications', () => {
  it('lets ListNotifications only read, and ResendNotification read and write items (the message and its audit entry)', () => {
    const statements = (fnId: string) =>
      statementsOfRole(json, roleOfFunction(json, idOf(stack.api.functions[fnId]!)));
    expect(dynamoActions(statements('ListNotifications')).sort()).toEqual([...READ_ACTIONS].sort());
    expect(dynamoActions(statements('ResendNotification')).sort()).toEqual(
      [...READ_ACTIONS, ...WRITE_ACTIONS].sort(),
    );
    for (const fnId of ['ListNotifications', 'ResendNotification']) {
      const services = new Set(
        statements(fnId)
          .flatMap(actionsOf)
          .map((a) => a.split(':')[0]),
      );
      expect(services.has('sns') || services.has('ses') || services.has('states'), fnId).toBe(false);
    }
  });
});

describe('IAM: answering waiting offers (task tokens), evaluated with iam-simulate', () => {
  const simulate = async (statements: Statement[], action: string) => {
    const resolved = statements.map((s) => ({
      ...s,
      Resource: resourcesOf(s).map((r) => resolveWithPlaceholders(r, json.Resources)),
    }));
    const result = await runSimulation(
      {
        identityPolicies: [{ name: 'role', policy: { Version: '2012-10-17', Statement: resolved } }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        // SendTask* has no resource type: the request is authorized against "*", whatever
        // execution (parent or Distributed Map child) the token belongs to.
        request: {
          action,
          principal: `arn:aws:iam::${PLACEHOLDER_ACCOUNT}:role/fn`,
          resource: { accountId: PLACEHOLDER_ACCOUNT, resource: '*' },
          contextVariables: {},
        },
      } as never,
      {},
    );
    return (result as { overallResult?: string }).overallResult;
  };
  const apiRole = (fnId: string) =>
    statementsOfRole(json, roleOfFunction(json, idOf(stack.api.functions[fnId]!)));

  it.each(TASK_ANSWER_ACTIONS)(
    'allows %s to SendOfferAndWaitForAnswer (it completes auto-accepted and early answers)',
    async (action) => {
      expect(ROUND_FUNCTIONS.SendOfferAndWaitForAnswer.answerTasks).toBe(true);
      expect(await simulate(roleStatements('SendOfferAndWaitForAnswer'), action)).toBe('Allowed');
    },
  );

  it.each(TASK_ANSWER_ACTIONS)('allows %s to AnswerAssignment (accept/decline)', async (action) => {
    expect(await simulate(apiRole('AnswerAssignment'), action)).toBe('Allowed');
  });

  it('grants SendOfferAndWaitForAnswer and AwaitPlanApproval exactly the two calls they make, and no other round function any Step Functions action', () => {
    const answering: RoundFunctionId[] = ['SendOfferAndWaitForAnswer', 'AwaitPlanApproval'];
    for (const fnId of answering) {
      expect(
        roleStatements(fnId).filter((s) => actionsOf(s).some((a) => a.startsWith('states:'))),
        fnId,
      ).toEqual([{ Effect: 'Allow', Action: [...TASK_ANSWER_ACTIONS], Resource: '*' }]);
    }
    for (const fnId of Object.keys(ROUND_FUNCTIONS) as RoundFunctionId[]) {
      if (answering.includes(fnId)) continue;
      expect(
        roleStatements(fnId)
          .flatMap(actionsOf)
          .filter((a) => a.startsWith('states:')),
        fnId,
      ).toEqual([]);
    }
  });

  it('would deny a grant on the state machine’s ARN (what grantTaskResponse writes): SendTask* has no resource type', async () => {
    const onMachine: Statement[] = [
      {
        Effect: 'Allow',
        Action: [...TASK_ANSWER_ACTIONS],
        Resource: `arn:aws:states:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:stateMachine:Round`,
      },
    ];
    expect(await simulate(onMachine, 'states:SendTaskSuccess')).toBe('ImplicitlyDenied');
  });
});

describe('IAM: the schedule role', () => {
  it('may only invoke the round starter and send to its own dead-letter queue', () => {
    const starterId = idOf(stack.schedule.starter);
    const dlqId = idOf(stack.schedule.deadLetterQueue);
    const scheduleProps = json.Resources[idOf(stack.schedule.schedule)].Properties;
    const roleId = scheduleProps.Target.RoleArn['Fn::GetAtt'][0] as string;
    expect(statementsOfRole(json, roleId)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: [
          { 'Fn::GetAtt': [starterId, 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [starterId, 'Arn'] }, ':*']] },
        ],
      },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: Match.objectLike({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }) },
          }),
        ],
      },
    });
  });
});

describe('IAM: SMS enabled', () => {
  it('adds sns:Publish for phone numbers to DispatchOutbox only (a phone number has no ARN)', async () => {
    const { synthesizeRoundsTemplate } = await import('#infra/rounds-stack');
    const sms = synthesizeRoundsTemplate({
      bundle: false,
      stackProps: { smsEnabled: true, senderEmail: 'notify@example.org.cn' },
    });
    const id = (c: IConstruct) => logicalIdOf(sms.stack, c);
    const publishers = Object.values<CfnJson>(sms.template.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) =>
        (r.Properties.PolicyDocument.Statement as Statement[]).some((s) =>
          actionsOf(s).includes('sns:Publish'),
        ),
      )
      .flatMap((r) => (r.Properties.Roles as { Ref: string }[]).map((role) => role.Ref));
    expect(publishers.sort()).toEqual(
      [
        roleOfFunction(sms.template, id(sms.stack.outbox.function)),
        id(sms.stack.round.stateMachine.role),
      ].sort(),
    );
    expect(
      statementsOfRole(sms.template, roleOfFunction(sms.template, id(sms.stack.outbox.function))).filter(
        (s) => actionsOf(s).includes('sns:Publish'),
      ),
    ).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }]);
    expect(
      sms.template.Resources[id(sms.stack.outbox.function)].Properties.Environment.Variables,
    ).toMatchObject({
      SENDER_EMAIL: 'notify@example.org.cn',
      SMS_ENABLED: '1',
    });
  });
});
