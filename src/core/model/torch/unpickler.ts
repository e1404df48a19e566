// A restricted unpickler for the data.pkl of a torch.save archive. It interprets only the opcodes that pickle writes
// for a state dict and never imports or calls anything: each GLOBAL must be one of the names `globals` maps to a
// JavaScript stand-in (OrderedDict, the tensor rebuilders, the storage types), and any other is refused by name.
// The persistent ids (torch's storages) are handed to `persistentLoad`.

/** A Python tuple: kept apart from lists so that the stand-ins can tell `(a, b)` from `[a, b]`. */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A GLOBAL that the caller allowed: calling it (REDUCE) runs `call`, never Python. */
export interface PyGlobal {
  readonly kind: 'global';
  readonly name: string;
  call?(args: readonly PyValue[]): PyValue;
}

export type PyValue = null | boolean | number | bigint | string | PyValue[] | PyTuple | Map<PyValue, PyValue> | PyGlobal | object;

export interface UnpickleOptions {
  /** "module.name" -> stand-in; a GLOBAL not listed is refused. */
  globals: ReadonlyMap<string, PyGlobal>;
  persistentLoad(pid: PyValue): PyValue;
  /** Called with a one-line problem; must throw (the caller adds the file name). */
  fail(problem: string): never;
}

const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

/** Enough for any state dict; a larger memo or stack is an attack or a broken file. */
const MAX_MEMO = 10_000_000;

export function unpickle(bytes: Uint8Array, options: UnpickleOptions): PyValue {
  const fail: (problem: string) => never = options.fail;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const stack: StackItem[] = [];
  const memo = new Map<number, PyValue>();
  let pos = 0;

  const need = (n: number, what: string): number => {
    if (pos + n > bytes.length) fail(`data.pkl ends inside ${what} at byte ${pos}`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = (what: string) => bytes[need(1, what)];
  const u16 = (what: string) => view.getUint16(need(2, what), true);
  const u32 = (what: string) => view.getUint32(need(4, what), true);
  const text = (n: number, what: string): string => {
    const at = need(n, what);
    try {
      return utf8.decode(bytes.subarray(at, at + n));
    } catch {
      return fail(`data.pkl has a ${what} at byte ${at} that is not valid UTF-8`);
    }
  };
  const line = (what: string): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0 || end - pos > 256) fail(`data.pkl has an unterminated ${what} at byte ${pos}`);
    const value = String.fromCharCode(...bytes.subarray(pos, end));
    pos = end + 1;
    return value;
  };
  const pop = (what: string): PyValue => {
    const item = stack.pop();
    if (item === undefined || item === MARK) fail(`data.pkl pops an empty stack (${what}) at byte ${pos}`);
    return item;
  };
  const top = (what: string): PyValue => {
    const item = stack[stack.length - 1];
    if (item === undefined || item === MARK) fail(`data.pkl reads an empty stack (${what}) at byte ${pos}`);
    return item;
  };
  const popMark = (what: string): PyValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail(`data.pkl has ${what} without a MARK at byte ${pos}`);
    const items = stack.splice(at) as PyValue[];
    return items.slice(1);
  };
  const put = (index: number) => {
    if (memo.size >= MAX_MEMO && !memo.has(index)) fail(`data.pkl memoises more than ${MAX_MEMO} objects`);
    memo.set(index, top('memo put'));
  };
  const get = (index: number) => {
    if (!memo.has(index)) fail(`data.pkl reads memo entry ${index}, which was never stored (byte ${pos})`);
    stack.push(memo.get(index)!);
  };
  const resolve = (module: string, name: string): PyGlobal => {
    const qualified = `${module}.${name}`;
    const known = options.globals.get(qualified);
    if (!known)
      fail(`data.pkl refers to the global '${qualified.slice(0, 120)}', which torch.save does not write for a state dict; refused (a pickle can run code)`);
    return known;
  };
  const setItems = (target: PyValue, items: PyValue[]) => {
    if (!(target instanceof Map)) fail(`data.pkl sets items on something that is not a dict at byte ${pos}`);
    if (items.length % 2 !== 0) fail(`data.pkl has an odd number of dict items at byte ${pos}`);
    for (let i = 0; i < items.length; i += 2) target.set(items[i], items[i + 1]);
  };

  for (;;) {
    const at = pos;
    const op = u8('an opcode');
    switch (op) {
      case 0x80: // PROTO
        if (u8('PROTO') > 5) fail(`data.pkl has pickle protocol ${bytes[at + 1]}, newer than 5`);
        break;
      case 0x95: // FRAME: the length is only a read hint
        need(8, 'FRAME');
        break;
      case 0x2e: // STOP
        if (stack.length !== 1) fail(`data.pkl stops with ${stack.length} items on the stack at byte ${at}`);
        return pop('STOP');
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x74: // TUPLE
        stack.push(new PyTuple(popMark('TUPLE')));
        break;
      case 0x85: // TUPLE1
        stack.push(new PyTuple([pop('TUPLE1')]));
        break;
      case 0x86: {
        const b = pop('TUPLE2');
        stack.push(new PyTuple([pop('TUPLE2'), b]));
        break;
      }
      case 0x87: {
        const c = pop('TUPLE3');
        const b = pop('TUPLE3');
        stack.push(new PyTuple([pop('TUPLE3'), b, c]));
        break;
      }
      case 0x71: // BINPUT
        put(u8('BINPUT'));
        break;
      case 0x72: // LONG_BINPUT
        put(u32('LONG_BINPUT'));
        break;
      case 0x94: // MEMOIZE
        put(memo.size);
        break;
      case 0x68: // BINGET
        get(u8('BINGET'));
        break;
      case 0x6a: // LONG_BINGET
        get(u32('LONG_BINGET'));
        break;
      case 0x4a: // BININT
        stack.push(view.getInt32(need(4, 'BININT'), true));
        break;
      case 0x4b: // BININT1
        stack.push(u8('BININT1'));
        break;
      case 0x4d: // BININT2
        stack.push(u16('BININT2'));
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement
        const length = u8('LONG1');
        const start = need(length, 'LONG1');
        stack.push(long1(bytes.subarray(start, start + length)));
        break;
      }
      case 0x47: // BINFLOAT: big-endian float64
        stack.push(view.getFloat64(need(8, 'BINFLOAT'), false));
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32('BINUNICODE'), 'string'));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(u8('SHORT_BINUNICODE'), 'string'));
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line('GLOBAL module');
        stack.push(resolve(module, line('GLOBAL name')));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop('STACK_GLOBAL');
        const module = pop('STACK_GLOBAL');
        if (typeof module !== 'string' || typeof name !== 'string') fail(`data.pkl has a STACK_GLOBAL of non-strings at byte ${at}`);
        stack.push(resolve(module, name));
        break;
      }
      case 0x52: {
        // REDUCE: only the allowed stand-ins can be called
        const args = pop('REDUCE');
        const callable = pop('REDUCE');
        if (!isGlobal(callable) || !callable.call) fail(`data.pkl calls something that is not an allowed function at byte ${at}`);
        if (!(args instanceof PyTuple)) fail(`data.pkl calls ${callable.name} without an argument tuple at byte ${at}`);
        stack.push(callable.call(args.items));
        break;
      }
      case 0x62: {
        // BUILD: only OrderedDict's attribute dict (a state dict's _metadata), which the weights do not need
        const state = pop('BUILD');
        if (!(top('BUILD') instanceof Map) || !(state instanceof Map || state === null))
          fail(`data.pkl sets the state of an object that is not a dict at byte ${at}`);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop('SETITEM');
        const key = pop('SETITEM');
        setItems(top('SETITEM'), [key, value]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark('SETITEMS');
        setItems(top('SETITEMS'), items);
        break;
      }
      case 0x61: {
        // APPEND
        const value = pop('APPEND');
        const list = top('APPEND');
        if (!Array.isArray(list)) fail(`data.pkl appends to something that is not a list at byte ${at}`);
        list.push(value);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark('APPENDS');
        const list = top('APPENDS');
        if (!Array.isArray(list)) fail(`data.pkl appends to something that is not a list at byte ${at}`);
        list.push(...items);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(options.persistentLoad(pop('BINPERSID')));
        break;
      default:
        fail(`data.pkl has pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}, which torch.save does not write for a state dict`);
    }
  }
}

export function isGlobal(value: unknown): value is PyGlobal {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'global';
}

/** LONG1's little-endian two's complement; a number where it is exact, else a bigint. */
function long1(digits: Uint8Array): number | bigint {
  let value = 0n;
  for (let i = digits.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(digits[i]);
  if (digits.length > 0 && digits[digits.length - 1] & 0x80) value -= 1n << BigInt(8 * digits.length);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
