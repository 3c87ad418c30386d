import { Module } from '@nestjs/common';

/** Leadership: command side (admin controllers, command handlers). */
@Module({})
export class LeadershipWriteModule {}
