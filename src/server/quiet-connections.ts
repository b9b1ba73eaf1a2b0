import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The server's connections, and the requests under way on each. `cut()` (a close's grace is over) ends those with
 * none, and each of the others as its last request ends: a client that connected and sent nothing, or a connection
 * kept alive after its answer, would hold the close until Node's own timeouts, a minute or more. A request still
 * coming in (headers and part of a body, then silence) is cut too: nothing of it was handled, and waiting for it
 * would hold the close, and the processing stopped after it, for as long as its client likes.
 */
export function quietConnections(server: Server) {
  const sockets = new Set<Socket>();
  const busy = new WeakMap<Socket, number>();
  const arriving = new WeakMap<Socket, IncomingMessage>();
  let cutting = false;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const { socket } = request;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    arriving.set(socket, request);
    response.once('close', () => {
      const left = (busy.get(socket) ?? 1) - 1;
      busy.set(socket, left);
      // Its answer is written: ended, not destroyed, so that it reaches the client.
      if (cutting && left === 0) socket.end();
    });
  });
  return {
    cut() {
      cutting = true;
      for (const socket of sockets) if (!busy.get(socket) || arriving.get(socket)?.complete === false) socket.destroy();
    },
  };
}
