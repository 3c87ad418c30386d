import { Module } from '@nestjs/common';
import { ProjectionsAdminController } from './projections-admin.controller.js';
import { ProjectionsAdminService } from './projections-admin.service.js';

/** Operators and auditors (role auditor by path): projection status, rebuild with progress, live-vs-log comparison. */
@Module({
  controllers: [ProjectionsAdminController],
  providers: [ProjectionsAdminService],
  exports: [ProjectionsAdminService],
})
export class ProjectionsAdminModule {}
