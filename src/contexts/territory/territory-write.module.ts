import { Module } from '@nestjs/common';

/** Territory: command side (admin controllers, command handlers). */
@Module({})
export class TerritoryWriteModule {}
