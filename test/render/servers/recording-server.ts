/**
 * An HTTP server on 127.0.0.1 that answers every request with 404 and records it: a test points a
 * forbidden URL at it and then asserts that nothing was ever requested.
 */
import { createServer } from "node:http";
import { listenOnLoopback } from "./loopback.js";

export interface RecordingServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** `METHOD path` of every request received. */
  requests: string[];
  close(): Promise<void>;
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.statusCode = 404;
    response.end("recorded\n");
  });
  const listening = await listenOnLoopback(server);
  return {
    ...listening,
    requests,
  };
}
