// Every table, gathered for drizzle-kit and for the typed `db`. Each module owns its own file.
export * from '../modules/users/schema.ts';
export * from '../modules/system/schema.ts';
export * from '../mail/schema.ts';
export * from '../modules/courses/schema.ts';
export * from '../modules/enrollment/schema.ts';
export * from '../modules/cohorts/schema.ts';
export * from '../modules/scheduling/schema.ts';
export * from '../modules/training/schema.ts';
export * from '../modules/certificates/schema.ts';
export * from '../modules/certificates/keys.schema.ts';
