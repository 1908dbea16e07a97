export * from './update-decision';
export * from './update-schedule';
export * from './update-status';
