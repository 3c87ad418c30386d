import { Module } from '@nestjs/common';
import { AssumeOfficeHandler } from './application/assume-office.handler.js';
import { EstablishOfficeHandler } from './application/establish-office.handler.js';
import { LeaveOfficeHandler } from './application/leave-office.handler.js';
import { RegisterPersonHandler } from './application/register-person.handler.js';
import { LeadershipAdminController } from './http/leadership.admin.controller.js';

/** Leadership: command side (admin controllers, command handlers). CommandStore and ReferenceChecker are global. */
@Module({
  controllers: [LeadershipAdminController],
  providers: [RegisterPersonHandler, EstablishOfficeHandler, AssumeOfficeHandler, LeaveOfficeHandler],
})
export class LeadershipWriteModule {}
