export * from './limits';
export * from './protocol';
export * from './result';
export * from './model';
export * from './schemas';
export * from './events';
export * from './ids';
export * from './names';
