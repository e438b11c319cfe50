/**
 * A client process of the group bench (group.ts): a share of the group's members, each a real
 * socket.io client (group-members.ts), in a process of its own, as real members sit on machines of
 * their own. One process receiving every member's copy of every message (50,000 events a second
 * for 1,000 members at 50 msg/s) is a load generator at a full core: its own delay, not the
 * server's, would then be measured.
 */
import type { Socket } from 'socket.io-client';
import {
  connectMembers,
  awaitLatencies,
  recordMembers,
  type FromClients,
  type MemberRecord,
  type ToClients,
} from './group-members';

const answer = (message: FromClients) => process.send?.(message);

let sockets: Socket[] = [];
let record: MemberRecord | undefined;
let cpuAtStart = process.cpuUsage();

async function handle(message: ToClients): Promise<void> {
  switch (message.type) {
    case 'connect':
      sockets = await connectMembers(message.url, message.tokens);
      record = recordMembers(sockets, message.conversationId, message.members);
      answer({ type: 'connected' });
      return;
    case 'measure':
      cpuAtStart = process.cpuUsage();
      return;
    case 'finish': {
      const seen = record ?? { sentAt: [], latency: [], receipts: 0 };
      const latencies = await awaitLatencies(
        seen,
        message.from,
        message.to,
        message.expected,
        message.deadline,
      );
      const cpu = process.cpuUsage(cpuAtStart);
      answer({
        type: 'result',
        latencies,
        receipts: seen.receipts,
        cpuMs: (cpu.user + cpu.system) / 1000,
      });
      for (const socket of sockets) socket.close();
      return;
    }
  }
}

process.on('message', (message: ToClients) => {
  handle(message).catch((error: unknown) => answer({ type: 'error', message: String(error) }));
});
// The bench went away: never outlive it.
process.on('disconnect', () => process.exit(0));
// Stopped by the bench: exit normally, so that a --cpu-prof profile is written.
process.on('SIGTERM', () => process.exit(0));
