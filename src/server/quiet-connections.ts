import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The server's connections, and whether a request is under way on each. `cut()` (a close's grace is over) ends those
 * with none, and each of the others as its last request ends: a client that connected and sent nothing, or a
 * connection kept alive after its answer, would hold the close until Node's own timeouts, a minute or more.
 */
export function quietConnections(server: Server) {
  const sockets = new Set<Socket>();
  const busy = new WeakMap<Socket, number>();
  let cutting = false;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const { socket } = request;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
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
      for (const socket of sockets) if (!busy.get(socket)) socket.destroy();
    },
  };
}
