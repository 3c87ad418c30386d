import { Module } from '@nestjs/common';
import { IssueStatementHandler } from './application/issue-statement.handler.js';
import { StatementsAdminController } from './http/statements.admin.controller.js';

/** Statements: command side (admin controllers, command handlers). CommandStore and ReferenceChecker are global. */
@Module({
  controllers: [StatementsAdminController],
  providers: [IssueStatementHandler],
})
export class StatementsWriteModule {}
