import { describePresenceContract } from '../contract';
import { memoryPresence } from './index';

describePresenceContract('memory', { create: async () => memoryPresence() });
