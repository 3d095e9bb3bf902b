// The floor for realtime_fanout: a bare socket.io server with no auth, rooms, adapter or database.
// POST /emit broadcasts one event to every socket, as the app's relay does after a change.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer((request, response) => {
  if (request.method === 'POST' && request.url === '/emit') {
    io.emit('user.updated', { sentAt: Date.now() });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    return;
  }
  response.writeHead(404).end();
});
const io = new Server(http, { serveClient: false });
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`running at http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.once('SIGTERM', () => {
  io.close();
  process.exit(0);
});
