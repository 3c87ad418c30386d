import { Module } from '@nestjs/common';

/** Monuments: command side (admin controllers, command handlers). */
@Module({})
export class MonumentsWriteModule {}
