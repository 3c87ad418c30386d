import { Module } from '@nestjs/common';
import { ToppleStatueHandler } from './application/topple-statue.handler.js';
import { MonumentsAdminController } from './http/monuments.admin.controller.js';

/** Monuments: command side (admin controllers, command handlers). CommandStore and ReferenceChecker are global. */
@Module({
  controllers: [MonumentsAdminController],
  providers: [ToppleStatueHandler],
})
export class MonumentsWriteModule {}
