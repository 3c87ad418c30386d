import { Module } from '@nestjs/common';

/** Statements: command side (admin controllers, command handlers). */
@Module({})
export class StatementsWriteModule {}
