import net from 'node:net';
import { encodeCommands, RespParser, type RespArg, type RespReply } from './resp.ts';

interface Batch {
  replies: RespReply[];
  count: number;
  resolve(replies: RespReply[]): void;
  reject(error: Error): void;
}

/**
 * One pipelined RESP2 connection to Redis. Each `send` writes its commands in
 * one socket write and resolves with their replies in order; concurrent sends
 * share the socket through an ordered reply queue. A batch's commands are
 * contiguous on the wire, so a MULTI ... EXEC batch cannot be interleaved.
 */
export class RedisConnection {
  #socket: net.Socket;
  #parser = new RespParser();
  #queue: Batch[] = [];
  #closed: Error | null = null;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('Redis connection closed')));
  }

  /** Opens a connection; rejects if nothing listens on host:port. */
  static connect(port: number, host = '127.0.0.1'): Promise<RedisConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RedisConnection(socket));
      });
    });
  }

  /** False once the socket has failed or been closed. */
  get open(): boolean {
    return this.#closed === null;
  }

  /** Sends commands as one pipeline and resolves with one reply per command. */
  send(commands: readonly (readonly RespArg[])[]): Promise<RespReply[]> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (commands.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#queue.push({ replies: [], count: commands.length, resolve, reject });
      this.#socket.write(encodeCommands(commands));
    });
  }

  /** Closes the socket; pending sends reject. */
  async close(): Promise<void> {
    if (this.#socket.destroyed) return;
    await new Promise<void>((resolve) => this.#socket.end(resolve));
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    let replies: RespReply[];
    try {
      replies = this.#parser.push(chunk);
    } catch (error) {
      this.#socket.destroy(error as Error);
      return;
    }
    for (const reply of replies) {
      const batch = this.#queue[0];
      if (!batch) {
        this.#socket.destroy(new Error('Redis sent a reply nobody asked for'));
        return;
      }
      batch.replies.push(reply);
      if (batch.replies.length === batch.count) {
        this.#queue.shift();
        batch.resolve(batch.replies);
      }
    }
  }

  #fail(error: Error): void {
    this.#closed ??= error;
    for (const batch of this.#queue.splice(0)) batch.reject(error);
  }
}
