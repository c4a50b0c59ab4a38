import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SESSION_FUNCTIONS } from '../functions/registry.ts';
import { RoundsFunction } from './rounds-function.ts';
import type { RoundsTable } from './table.ts';

/** ManageUsers and Sessions in AWS China: the product's own sessions as the identity port (functions/china/). */
export const CHINA_SESSION_ENTRIES = {
  ManageUsers: 'functions/china/manage-users.ts',
  Sessions: 'functions/china/sessions.ts',
} as const;

export interface SessionAuthProps {
  /** The product table: the authorizer reads users and device sessions. */
  readonly table: RoundsTable;
}

/**
 * Who may use the product where there is no Cognito (AWS China): the product's own invitations and
 * sessions, as on one machine (functions/identity/sessions.ts), signed with an HS256 key the stack
 * generates in Secrets Manager, and the HTTP API's Lambda authorizer that checks each token
 * (functions/triggers/authorize-session.ts).
 */
export class SessionAuth extends Construct {
  /** The session tokens' signing key (and the invitation codes' HMAC key). */
  public readonly signingKey: secretsmanager.Secret;
  public readonly function: RoundsFunction;
  public readonly authorizer: HttpLambdaAuthorizer;

  constructor(scope: Construct, id: string, props: SessionAuthProps) {
    super(scope, id);
    this.signingKey = new secretsmanager.Secret(this, 'SigningKey', {
      description: 'HS256 key of the rounds session tokens and HMAC key of the invitation codes',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Deleting it would end every session and invalidate every open invitation.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.signingKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A new signing key ends every session and makes every open invitation code unknown (the codes are kept as HMACs under it); it is rotated by hand when needed (docs/deploy.md, AWS China).',
    });

    this.function = new RoundsFunction(this, 'AuthorizeSession', {
      entry: SESSION_FUNCTIONS.AuthorizeSession.entry,
      description: 'HTTP API authorizer: the session token, its user and device session (no Cognito)',
      timeout: Duration.seconds(10),
    });
    props.table.grantTo(this.function, SESSION_FUNCTIONS.AuthorizeSession.table);
    this.grantSessions(this.function);

    // No result cache: a revoked user or an ended device session is refused at the next request,
    // as on one machine (local/http-server.ts).
    this.authorizer = new HttpLambdaAuthorizer('SessionAuthorizer', this.function, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: Duration.seconds(0),
    });
  }

  /** Lets `fn` read the signing key and tells it where the key is (SIGNING_KEY_SECRET_ID). */
  public grantSessions(fn: RoundsFunction): void {
    fn.addEnvironment('SIGNING_KEY_SECRET_ID', this.signingKey.secretArn);
    this.signingKey.grantRead(fn);
  }
}
