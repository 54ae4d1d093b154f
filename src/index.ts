export * from './components';
export * from './outputs/render-profile';
export * from './outputs/synth';
export * from './profiles';
export * from './values/model';
export * from './values/resolve';
export * from './values/schema';
