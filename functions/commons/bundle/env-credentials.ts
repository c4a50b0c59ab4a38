/**
 * What a Lambda bundle gets instead of the AWS SDK's default credential chain
 * (`@aws-sdk/credential-provider-node`, swapped in by an esbuild alias in infra/rounds-function.ts).
 *
 * Every SDK client's Node runtime config imports that chain statically, so passing `credentials` to a
 * client keeps it (and the STS/SSO clients nested in it) in the bundle all the same. In Lambda the
 * function's role credentials are in the environment, and nothing else is ever consulted: this reads
 * just that. Outside a bundle (tests, the embedded runtime) the SDK's own chain is used.
 */
interface EnvCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
  accountId?: string;
}

export const defaultProvider = (_init?: unknown) => async (): Promise<EnvCredentials> => {
  const env = process.env;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw Object.assign(
      new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (a Lambda sets them from its role)'),
      { name: 'CredentialsProviderError', tryNextLink: false },
    );
  }
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    ...(env.AWS_CREDENTIAL_EXPIRATION ? { expiration: new Date(env.AWS_CREDENTIAL_EXPIRATION) } : {}),
    ...(env.AWS_ACCOUNT_ID ? { accountId: env.AWS_ACCOUNT_ID } : {}),
  };
};
