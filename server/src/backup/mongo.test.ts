import { describe, expect, it } from 'vitest';
import { mongodumpRun, mongorestoreRun, printable, runTool } from './mongo';
import { BackupError } from './manifest';

// MongoDB and its tools cannot run here (DESIGN §8): the command lines are checked instead.
describe('MongoDB backups through mongodump / mongorestore', () => {
  const uri = 'mongodb://chat:s3cret@db1:27017,db2:27017/chitchat?replicaSet=rs0';

  it('dumps the whole replica set to one gzipped archive, consistent to a point in time', () => {
    expect(mongodumpRun(uri, '/backups/a.archive')).toEqual({
      command: 'mongodump',
      args: [`--uri=${uri}`, '--archive=/backups/a.archive', '--gzip', '--oplog'],
    });
  });

  it('restores by replacing each collection and replaying the oplog of the dump', () => {
    expect(mongorestoreRun(uri, '/backups/a.archive').args).toEqual([
      `--uri=${uri}`,
      '--archive=/backups/a.archive',
      '--gzip',
      '--drop',
      '--oplogReplay',
    ]);
  });

  it('never prints the password', () => {
    const line = printable(mongodumpRun(uri, 'a'));
    expect(line).not.toContain('s3cret');
    expect(line).toContain('mongodb://chat:***@db1:27017');
  });

  it('says what to install when the tool is missing', async () => {
    const missing = runTool({ command: 'chitchat-no-such-tool', args: [] });
    await expect(missing).rejects.toBeInstanceOf(BackupError);
    await expect(missing).rejects.toThrow(/is not installed: install the MongoDB Database Tools/);
  });

  it('reports a failing tool with its exit status', async () => {
    await expect(runTool({ command: 'false', args: [] })).rejects.toThrow(/exit status 1/);
  });
});
