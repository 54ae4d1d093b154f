export * from './builtin-profiles';
export * from './installation';
export * from './profile';
export * from './user-profile';
