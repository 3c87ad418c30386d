import { Module } from '@nestjs/common';

/** Placeholder: Kysely read store (SQLite by default, PostgreSQL with DATABASE_URL). */
@Module({})
export class ReadStoreModule {}
