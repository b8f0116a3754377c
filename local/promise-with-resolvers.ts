/**
 * aws-local-stepfunctions 3 targets Node 22 and uses Promise.withResolvers, which Node 20
 * lacks; this is the whole of what it needs.
 */
const promiseConstructor = Promise as unknown as { withResolvers?: unknown };
promiseConstructor.withResolvers ??= function withResolvers<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
};

export {};
