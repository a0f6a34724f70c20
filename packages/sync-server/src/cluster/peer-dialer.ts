/**
 * The dialing side of one peer link: connect (TCP or TLS), run the handshake
 * (`peer-handshake.ts`), and hand back a {@link RecordWriter} that seals what the node sends
 * (`peer-auth.ts`). `PeerLinks` dials every peer with it; tests and the peer fuzzer use it to
 * speak to a node as an authenticated peer would.
 */
import { connect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { NodeId } from '../election/types.js';
import { RealScheduler, type Scheduler } from '../time/scheduler.js';
import { FrameReader, lengthPrefixed } from './frame-reader.js';
import { type ClusterKey, RecordSealer } from './peer-auth.js';
import {
  DialerHandshake,
  encodeHandshake,
  type HandshakeFailure,
  MAX_HANDSHAKE_FRAME,
} from './peer-handshake.js';

/** TLS settings of peer links (both listener and dialer use TLS when given). */
export interface PeerTlsOptions {
  /** PEM certificate chain and key this node's peer listener presents. */
  cert: string | Buffer;
  key: string | Buffer;
  /** PEM CA bundle a dialed peer's certificate must chain to; default: the system's CAs. */
  ca?: string | Buffer | null;
}

/** The sending side of an authenticated link: gathers frames and seals them per write window. */
export class RecordWriter {
  private frames: Buffer[] = [];
  private bytes = 0;
  private corked = false;

  /** `maxRecordPayload`: a record is sealed early rather than grow past this many bytes. */
  constructor(
    private readonly socket: Socket,
    private readonly sealer: RecordSealer,
    private readonly maxRecordPayload: number,
  ) {}

  /** Queue one frame (`[u32 length][message]`); it leaves at the next flush, or at once when not corked. */
  write(frame: Buffer): void {
    if (this.bytes + frame.length > this.maxRecordPayload) this.flush();
    this.frames.push(frame);
    this.bytes += frame.length;
    if (!this.corked) this.flush();
  }

  /** Hold frames until {@link uncork} (the write coalescer's window). */
  cork(): void {
    this.corked = true;
  }

  /** Seal what was held into one record and write it. */
  uncork(): void {
    this.corked = false;
    this.flush();
  }

  private flush(): void {
    if (this.frames.length === 0) return;
    const parts = this.sealer.seal(this.frames);
    this.frames = [];
    this.bytes = 0;
    if (this.socket.destroyed) return;
    for (const p of parts) this.socket.write(p);
  }
}

/** Where and as whom to dial. */
export interface DialOptions {
  host: string;
  port: number;
  /** This node's id, and the id of the node expected at the address. */
  self: NodeId;
  peer: NodeId;
  clusterKey: ClusterKey;
  tls: PeerTlsOptions | null;
  handshakeTimeoutMs: number;
  maxRecordPayload: number;
  /** Clock and timers of the handshake deadline (default: a `RealScheduler`). */
  scheduler?: Scheduler;
}

/** What a dial reports. */
export interface DialHandlers {
  /** The peer proved the secret and accepted ours: send through `writer`. */
  onAuthenticated(writer: RecordWriter, socket: Socket): void;
  /** The handshake failed (the socket is being closed). */
  onFailed(reason: HandshakeFailure): void;
}

const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Dial one peer and authenticate. Returns the socket (listen for `close` to redial). */
export function dialPeer(o: DialOptions, handlers: DialHandlers): Socket {
  const tls = o.tls;
  const s: Socket =
    tls !== null
      ? tlsConnect({
          host: o.host,
          port: o.port,
          ...(tls.ca != null ? { ca: tls.ca } : {}),
          ...(isIP(o.host) === 0 ? { servername: o.host } : {}),
          minVersion: 'TLSv1.2',
        })
      : connect({ host: o.host, port: o.port, noDelay: true });
  if (tls !== null) s.setNoDelay(true);
  const hs = new DialerHandshake(o.clusterKey, o.self, o.peer);
  let settled = false;
  const fail = (reason: HandshakeFailure) => {
    if (settled) return;
    settled = true;
    reader.stop();
    handlers.onFailed(reason);
    s.destroy();
  };
  // Unref'd by default like every RealScheduler timer: the socket itself keeps the process alive
  // until it closes, and closing cancels the deadline.
  const deadline = (o.scheduler ?? new RealScheduler()).setTimer(o.handshakeTimeoutMs, () => fail('timeout'));
  s.on('error', (e: NodeJS.ErrnoException) => {
    // A peer that is down is not a fault; a certificate that does not verify is.
    if (tls !== null && !NETWORK_ERRORS.has(e.code ?? '')) fail('tls');
  });
  const reader = new FrameReader(
    MAX_HANDSHAKE_FRAME,
    (f) => {
      const step = hs.receive(f);
      if (step.kind === 'send') s.write(lengthPrefixed(encodeHandshake(step.message)));
      else if (step.kind === 'fail') fail(step.reason);
      else {
        settled = true;
        deadline.cancel();
        // Outbound links carry no replies after the handshake (peers answer on their own links).
        reader.stop();
        handlers.onAuthenticated(new RecordWriter(s, new RecordSealer(step.key), o.maxRecordPayload), s);
      }
    },
    () => fail('malformed'),
  );
  s.on(tls !== null ? 'secureConnect' : 'connect', () => {
    s.write(lengthPrefixed(encodeHandshake(hs.hello())));
  });
  s.on('data', (chunk: Buffer) => reader.push(chunk));
  s.on('close', () => {
    deadline.cancel();
    reader.stop();
  });
  return s;
}
