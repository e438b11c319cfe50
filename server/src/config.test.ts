import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('config', () => {
  it('has an embedded-mode default for every knob', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATA_DIR: './data',
      MONGODB_URI: undefined,
      REDIS_URL: undefined,
      JWT_SECRET: undefined,
      MEDIA_MAX_BYTES: 100 * 1024 * 1024,
      MEDIA_QUOTA_BYTES: 5 * 1024 ** 3,
      RATE_LIMIT_UPLOAD: 60,
      MEDIA_UPLOADS_CONCURRENT: 4,
      RATE_LIMIT_SEND: 20,
      RATE_LIMIT_GROUP: 30,
      RATE_LIMIT_RECEIPT: 50,
      RATE_LIMIT_CONVERSATION: 60,
      RATE_LIMIT_PRESENCE: 30,
      RATE_LIMIT_ACCOUNT: 10,
      RATE_LIMIT_AUTH: 10,
      RATE_LIMIT_SEARCH: 30,
      REFRESH_GRACE_S: 30,
      MAX_DEVICES: 20,
      PRESENCE_TTL_S: 45,
      LOG_LEVEL: 'info',
      TRUST_PROXY: undefined,
      METRICS_PORT: 9464,
      METRICS_HOST: '127.0.0.1',
      REGISTRATION: 'invite',
      PUBLIC_URL: undefined,
      TOTP_REQUIRED_FOR_ADMINS: false,
    });
  });

  it('takes a VAPID key pair together or not at all, and asks for one in scaled mode with Web Push', () => {
    const publicKey = `B${'x'.repeat(86)}`;
    const privateKey = 'y'.repeat(43);
    const pair = { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey };
    expect(loadConfig(pair)).toMatchObject(pair);
    expect(() => loadConfig({ VAPID_PUBLIC_KEY: publicKey })).toThrow(/set together/);
    expect(() => loadConfig({ VAPID_PRIVATE_KEY: privateKey })).toThrow(/set together/);
    expect(() => loadConfig({ ...pair, VAPID_PUBLIC_KEY: 'short' })).toThrow(/VAPID_PUBLIC_KEY/);
    expect(() => loadConfig({ ...pair, VAPID_PRIVATE_KEY: 'y'.repeat(44) })).toThrow(
      /VAPID_PRIVATE_KEY/,
    );
    const scaled = {
      REDIS_URL: 'redis://127.0.0.1:6379',
      JWT_SECRET: 's'.repeat(32),
      PUBLIC_URL: 'https://chat.example.org',
    };
    expect(() => loadConfig(scaled)).toThrow(/VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set/);
    expect(loadConfig({ ...scaled, ...pair }).VAPID_PUBLIC_KEY).toBe(publicKey);
    // Without an https PUBLIC_URL there is no Web Push, so nothing to share.
    expect(loadConfig({ ...scaled, PUBLIC_URL: undefined }).VAPID_PUBLIC_KEY).toBeUndefined();
    expect(loadConfig({}).WEB_PUSH_ALLOW_LOOPBACK).toBe(false);
    expect(loadConfig({ WEB_PUSH_ALLOW_LOOPBACK: 'true' }).WEB_PUSH_ALLOW_LOOPBACK).toBe(true);
    expect(() => loadConfig({ WEB_PUSH_ALLOW_LOOPBACK: 'yes' })).toThrow(/WEB_PUSH_ALLOW_LOOPBACK/);
    expect(loadConfig({}).RATE_LIMIT_PUSH).toBe(10);
  });

  it('takes TOTP_REQUIRED_FOR_ADMINS as true or false (1 or 0), nothing else', () => {
    expect(loadConfig({ TOTP_REQUIRED_FOR_ADMINS: 'true' }).TOTP_REQUIRED_FOR_ADMINS).toBe(true);
    expect(loadConfig({ TOTP_REQUIRED_FOR_ADMINS: '1' }).TOTP_REQUIRED_FOR_ADMINS).toBe(true);
    expect(loadConfig({ TOTP_REQUIRED_FOR_ADMINS: 'false' }).TOTP_REQUIRED_FOR_ADMINS).toBe(false);
    expect(loadConfig({ TOTP_REQUIRED_FOR_ADMINS: '' }).TOTP_REQUIRED_FOR_ADMINS).toBe(false);
    expect(() => loadConfig({ TOTP_REQUIRED_FOR_ADMINS: 'yes' })).toThrow(
      /TOTP_REQUIRED_FOR_ADMINS="yes"/,
    );
  });

  it('takes REGISTRATION as invite, open or closed, and PUBLIC_URL as an http(s) address', () => {
    expect(loadConfig({ REGISTRATION: 'open' }).REGISTRATION).toBe('open');
    expect(loadConfig({ REGISTRATION: 'closed' }).REGISTRATION).toBe('closed');
    expect(() => loadConfig({ REGISTRATION: 'anyone' })).toThrow(/REGISTRATION="anyone"/);
    expect(loadConfig({ PUBLIC_URL: 'https://chat.example.org/' }).PUBLIC_URL).toBe(
      'https://chat.example.org',
    );
    expect(() => loadConfig({ PUBLIC_URL: 'chat.example.org' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://chat.example.org' })).toThrow(/PUBLIC_URL/);
  });

  it('takes TRUST_PROXY as a hop count and refuses `true`, which would let clients spoof', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '' }).TRUST_PROXY).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: '0' }).TRUST_PROXY).toBe(0);
    for (const bad of ['true', 'TRUE', 'false', 'yes', '-1', '1.5', 'loopback', '10.0.0.0/8']) {
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(ConfigError);
    }
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(
      /TRUST_PROXY="true": must be the number of proxies/,
    );
  });

  it('takes METRICS_PORT (0: any free port) and METRICS_HOST', () => {
    expect(loadConfig({ METRICS_PORT: '0', METRICS_HOST: '0.0.0.0' })).toMatchObject({
      METRICS_PORT: 0,
      METRICS_HOST: '0.0.0.0',
    });
    expect(() => loadConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
  });

  it('names the bad variable and its value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT="eighty"/);
    expect(() => loadConfig({ MAX_DEVICES: '0' })).toThrow(/MAX_DEVICES/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('refuses a scaled mode that would split the cluster: Redis or Mongo without JWT_SECRET', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      /JWT_SECRET must be set/,
    );
    expect(() => loadConfig({ MONGODB_URI: 'mongodb://db/chitchat' })).toThrow(
      /JWT_SECRET must be set/,
    );
    expect(() => loadConfig({ REDIS_URL: 'redis://r', JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ REDIS_URL: 'redis://r', JWT_SECRET: 'x'.repeat(32) }).REDIS_URL).toBe(
      'redis://r',
    );
  });

  it('takes REDIS_URL only as a redis:// or rediss:// URL, and a presence TTL of at least 3 s', () => {
    const secret = 'x'.repeat(32);
    expect(() => loadConfig({ REDIS_URL: 'localhost:6379', JWT_SECRET: secret })).toThrow(
      /REDIS_URL="localhost:6379": must be a redis:\/\/ or rediss:\/\/ URL/,
    );
    expect(loadConfig({ REDIS_URL: 'rediss://r:6380/1', JWT_SECRET: secret }).REDIS_URL).toBe(
      'rediss://r:6380/1',
    );
    expect(() => loadConfig({ PRESENCE_TTL_S: '2' })).toThrow(/PRESENCE_TTL_S/);
    expect(loadConfig({ PRESENCE_TTL_S: '10' }).PRESENCE_TTL_S).toBe(10);
  });
});
