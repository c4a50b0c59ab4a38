// The rule lives in domain/ so the pure coordinator notices (domain/coordinator-notices.ts) use it too.
export { ellipsize, SNS_SUBJECT_MAX_LENGTH, snsSubject } from '#domain/sns-subject';
