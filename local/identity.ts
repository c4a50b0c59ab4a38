/*
 * On one machine the identity port is the product's own invitations and sessions, the same code
 * AWS China runs in Lambda (functions/identity/sessions.ts), keyed by the DATA_DIR's token key.
 */
export * from '#identity/sessions';
