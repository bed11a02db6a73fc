/** True in CI (`CI` set, not `0` or `false`), where a missing dependency of the tests (Chromium, redis-server, the shared data sets) fails the run instead of skipping its tests. */
export const inCi = Boolean(process.env.CI) && !['0', 'false'].includes(process.env.CI!.toLowerCase());
