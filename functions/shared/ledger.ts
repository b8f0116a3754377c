/**
 * The ledger of an action that has an undo: payment-service's authorize and refund,
 * inventory-service's reserve and release. One item per idempotency key, in the
 * idempotency table, records what the key did and whether it was undone:
 *
 *   (absent) --do--> DONE (AUTHORIZED, RESERVED) --undo--> UNDONE (REFUNDED, RELEASED)
 *   (absent) --undo--> VOID: the key never acted and never will
 *
 * Every move is one conditional write on that item, so a call is done at most once and a
 * late call never acts after its undo: a do-call finds the item already there (DONE:
 * replayed; UNDONE or VOID: refused), an undo-call of nothing leaves VOID behind. The item
 * sits at the key where version 2 kept the do-call's record (`<service>:<do>:<key>`);
 * an item of version 2 has no `status`, and its undo record (`<service>:<undo>:<key>`)
 * says whether it was undone (legacyUndo below).
 */
import { InvalidInput, ServiceUnavailable } from "./errors";
import { fingerprintOf, recordKey, RECORD_TTL_DAYS } from "./idempotency";
import { ConditionFailed, EXPIRES_AT, Item, Operation, StateStore } from "./store";

export const LEDGER_STATES = ["DONE", "UNDONE", "VOID"] as const;

/** The words one service uses for its ledger's states. */
export interface LedgerSpec {
  service: string;
  /** The do-call's action, whose key the item has. */
  doAction: string;
  undoAction: string;
  /** The stored `status` of DONE and UNDONE (VOID is VOID everywhere). */
  done: string;
  undone: string;
  /** The do-call's noun and what it did to an order, for messages: "authorization", "authorized order". */
  doNoun: string;
  didToOrder: string;
}

export type LedgerState = (typeof LEDGER_STATES)[number];

export interface LedgerEntry<Done, Undone> {
  state: LedgerState;
  orderId: string;
  /** The do-call's result (DONE and UNDONE). */
  done?: Done;
  /** The undo-call's result (UNDONE and VOID). */
  undone?: Undone;
  fingerprint?: string;
  /** An item written by version 2 (no status): its undo lives in a record of its own. */
  legacy?: boolean;
}

/** The item's key: `<service>:<do action>:<idempotency key>`. */
export function ledgerKey(spec: LedgerSpec, idempotencyKey: string): string {
  return recordKey({ service: spec.service, action: spec.doAction, idempotencyKey });
}

/** Version 2's record of an undo, kept for items version 2 wrote. */
function legacyUndoKey(spec: LedgerSpec, idempotencyKey: string): string {
  return recordKey({ service: spec.service, action: spec.undoAction, idempotencyKey });
}

const timestamps = () => {
  const now = Date.now();
  return { at: new Date(now).toISOString(), expiresAt: Math.floor(now / 1000) + RECORD_TTL_DAYS * 86400 };
};

const parsed = <T>(text: unknown): T | undefined => (typeof text === "string" ? (JSON.parse(text) as T) : undefined);

/** The entry of a key, read consistently; undefined when the key never acted nor was undone. */
export async function readLedger<Done, Undone>(
  store: StateStore,
  spec: LedgerSpec,
  idempotencyKey: string,
): Promise<LedgerEntry<Done, Undone> | undefined> {
  const item = await store.get("idempotency", ledgerKey(spec, idempotencyKey));
  if (!item) return undefined;
  if (item.status === undefined) {
    // Version 2: the record of the do-call; its undo, if any, is a record of its own.
    const undo = await store.get("idempotency", legacyUndoKey(spec, idempotencyKey));
    const done = parsed<Done & { orderId: string }>(item.result)!;
    return {
      state: undo ? "UNDONE" : "DONE",
      orderId: done.orderId,
      done,
      undone: undo ? parsed<Undone>(undo.result) : undefined,
      fingerprint: item.fingerprint as string,
      legacy: true,
    };
  }
  const state = item.status === spec.done ? "DONE" : item.status === spec.undone ? "UNDONE" : "VOID";
  const done = parsed<Done>(item.result);
  return {
    state,
    // An item of version 2 that this version undid has a status now, but its order only in its result.
    orderId: (item.orderId as string | undefined) ?? (done as { orderId: string }).orderId,
    done,
    undone: parsed<Undone>(item.undoResult),
    fingerprint: item.fingerprint as string | undefined,
  };
}

/**
 * The do-call: `writes` (the effect, e.g. stock taken) and the DONE item commit together, or
 * nothing does. A key that already acted with the same request gets its first result back;
 * one whose undo came first, or that was used for another request, is refused.
 */
export async function doOnce<Done>(
  store: StateStore,
  spec: LedgerSpec,
  call: { idempotencyKey: string; orderId: string; request: unknown },
  act: () => Promise<{ result: Done; writes?: Operation[] }>,
  /** The business error when one of `writes`' conditions failed (its index); undefined: read again and retry. */
  onConflict: (index: number) => Promise<Error | undefined> = async () => undefined,
): Promise<{ result: Done; replayed: boolean }> {
  const { idempotencyKey } = call;
  const fingerprint = fingerprintOf(call.request);
  for (let attempt = 0; attempt < 3; attempt++) {
    const earlier = await readLedger<Done, unknown>(store, spec, idempotencyKey);
    if (earlier) return { result: replayDone(spec, idempotencyKey, earlier, fingerprint), replayed: true };
    const { result, writes = [] } = await act();
    const { at, expiresAt } = timestamps();
    const item: Item = {
      recordKey: ledgerKey(spec, idempotencyKey),
      status: spec.done,
      orderId: call.orderId,
      fingerprint,
      result: JSON.stringify(result),
      createdAt: at,
      [EXPIRES_AT]: expiresAt,
    };
    try {
      await store.transact([...writes, { type: "put", table: "idempotency", item, ifAbsent: true }]);
      return { result, replayed: false };
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      // The item itself: a concurrent call with this key, or its undo, got there first; read it on the next round.
      if (error.index === writes.length) continue;
      const refusal = await onConflict(error.index);
      if (refusal) throw refusal;
    }
  }
  throw keptChanging(spec, spec.doAction, idempotencyKey);
}

/** What a do-call finds already there: its own first result, or a refusal that says why. */
function replayDone<Done>(
  spec: LedgerSpec,
  idempotencyKey: string,
  earlier: LedgerEntry<Done, unknown>,
  fingerprint: string,
): Done {
  // Also a replay of a call that did act: after its undo (or an undo of nothing), its effect must not come back.
  if (earlier.state !== "DONE") {
    throw new InvalidInput(
      `idempotencyKey ${idempotencyKey} was already ${spec.undone.toLowerCase()}: a new ${spec.doNoun} needs a new key`,
    );
  }
  if (earlier.fingerprint !== fingerprint) {
    throw new InvalidInput(`idempotencyKey ${idempotencyKey} was already used for a different ${spec.doAction} request`);
  }
  return earlier.done!;
}

/**
 * The undo-call: `undo` decides from the DONE entry what to put back (`writes`) and the
 * result; with nothing done, the key becomes VOID and `nothing` is the result. Repeated
 * undo-calls get the first undo's result back.
 */
export async function undoOnce<Done, Undone>(
  store: StateStore,
  spec: LedgerSpec,
  call: { idempotencyKey: string; orderId: string },
  nothing: () => Undone,
  undo: (done: Done) => { result: Undone; writes?: Operation[] },
): Promise<{ result: Undone; replayed: boolean }> {
  const { idempotencyKey, orderId } = call;
  const key = ledgerKey(spec, idempotencyKey);
  for (let attempt = 0; attempt < 3; attempt++) {
    const earlier = await readLedger<Done, Undone>(store, spec, idempotencyKey);
    if (earlier && earlier.orderId !== orderId) {
      throw new InvalidInput(`idempotencyKey ${idempotencyKey} ${spec.didToOrder} ${earlier.orderId}, not ${orderId}`);
    }
    const { at, expiresAt } = timestamps();
    let operations: Operation[];
    let result: Undone;
    if (!earlier) {
      result = nothing();
      operations = [
        {
          type: "put",
          table: "idempotency",
          item: {
            recordKey: key,
            status: "VOID",
            orderId,
            undoResult: JSON.stringify(result),
            createdAt: at,
            [EXPIRES_AT]: expiresAt,
          },
          ifAbsent: true,
        },
      ];
    } else if (earlier.state !== "DONE") {
      return { result: earlier.undone!, replayed: true };
    } else {
      const undone = undo(earlier.done!);
      result = undone.result;
      const settle: Item = { status: spec.undone, undoResult: JSON.stringify(result), updatedAt: at };
      operations = [
        ...(undone.writes ?? []),
        earlier.legacy
          ? // Version 2's undo record is the lock a version-2 call would take: both cannot undo.
            legacyUndoRecord(spec, idempotencyKey, orderId, result, at, expiresAt)
          : { type: "update", table: "idempotency", key, set: settle, ifIn: { attribute: "status", values: [spec.done] } },
        ...(earlier.legacy ? [{ type: "update", table: "idempotency", key, set: settle } satisfies Operation] : []),
      ];
    }
    try {
      await store.transact(operations);
      return { result, replayed: false };
    } catch (error) {
      // A concurrent call moved the item first: read it again.
      if (!(error instanceof ConditionFailed)) throw error;
    }
  }
  throw keptChanging(spec, spec.undoAction, idempotencyKey);
}

function legacyUndoRecord(
  spec: LedgerSpec,
  idempotencyKey: string,
  orderId: string,
  result: unknown,
  at: string,
  expiresAt: number,
): Operation {
  return {
    type: "put",
    table: "idempotency",
    item: {
      recordKey: legacyUndoKey(spec, idempotencyKey),
      fingerprint: fingerprintOf({ orderId }),
      result: JSON.stringify(result),
      createdAt: at,
      [EXPIRES_AT]: expiresAt,
    },
    ifAbsent: true,
  };
}

function keptChanging(spec: LedgerSpec, action: string, idempotencyKey: string): ServiceUnavailable {
  return new ServiceUnavailable(
    `the state of ${spec.service} ${action} ${idempotencyKey} kept changing while it was being written; try again`,
  );
}
