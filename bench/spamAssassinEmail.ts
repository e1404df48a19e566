// What a classifier reads of a raw RFC 822 email within a 128-piece window: the From and Subject headers (the
// sender and the pitch carry most of the signal), then the start of the readable body (the first text/plain
// part, else text/html with its tags removed), with transfer encodings and RFC 2047 words decoded. Routing
// headers (Received, Message-Id, ...) are left out: they fill the window with hosts and ids, and they describe
// the mail servers of one collection rather than the message.

/** Characters kept of the body: well over what 128 word pieces hold, so tokenizing stays cheap. */
const BODY_CHARS = 1200;

function splitHeaders(raw: string): { headers: string; body: string } {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return { headers: raw, body: '' };
  return { headers: raw.slice(0, m.index).replace(/\r?\n[ \t]+/g, ' '), body: raw.slice(m.index + m[0].length) };
}

function header(headers: string, name: string): string {
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(headers);
  return m ? m[1].trim() : '';
}

function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (_, _charset: string, encoding: string, text: string) => {
    const bytes =
      encoding.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64')
        : Buffer.from(
            text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          );
    return bytes.toString('utf8');
  });
}

function decodeTransfer(body: string, encoding: string): string {
  const e = encoding.toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (e === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

function htmlToText(html: string): string {
  return html
    .replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d) % 0x110000));
}

/** The readable text of a message part: the first text/plain leaf, else the first text/html one, decoded. */
function readableBody(headers: string, body: string, depth = 0): { text: string; html: boolean } | undefined {
  const contentType = header(headers, 'Content-Type').toLowerCase();
  const boundary = /boundary="?([^";]+)"?/i.exec(header(headers, 'Content-Type'))?.[1];
  if (contentType.startsWith('multipart/') && boundary && depth < 4) {
    const parts = body
      .split(`--${boundary}`)
      .slice(1)
      .map((p) => splitHeaders(p.replace(/^\r?\n/, '')));
    const leaves = parts.map((p) => readableBody(p.headers, p.body, depth + 1)).filter((p) => p !== undefined);
    return leaves.find((p) => !p.html) ?? leaves[0];
  }
  if (contentType !== '' && !contentType.startsWith('text/')) return undefined;
  const decoded = decodeTransfer(body, header(headers, 'Content-Transfer-Encoding'));
  const html = contentType.startsWith('text/html') || /^\s*<(!doctype|html|head|body|table|p|div|font)\b/i.test(decoded);
  return { text: html ? htmlToText(decoded) : decoded, html };
}

/** "From: ...\nSubject: ...\n\n<start of the body>", whitespace collapsed. */
export function emailToText(raw: string): string {
  const { headers, body } = splitHeaders(raw);
  const from = decodeWords(header(headers, 'From'));
  const subject = decodeWords(header(headers, 'Subject'));
  const readable = readableBody(headers, body.slice(0, 200_000));
  const text = (readable?.text ?? '').replace(/\s+/g, ' ').trim().slice(0, BODY_CHARS);
  return `From: ${from}\nSubject: ${subject}\n\n${text}`;
}

/** The alternative measured against emailToText: the raw message from its first byte (all headers first). */
export function rawEmailStart(raw: string): string {
  return raw.slice(0, BODY_CHARS * 2);
}
