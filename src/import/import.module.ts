import { Module } from '@nestjs/common';
import { ImportService } from './import.service.js';

/**
 * The NDJSON import (CLI `npm run import -- FILE`, and the seed on `npm start`). It sends each line through the
 * command bus that AppModule registers globally (CqrsModule.forRoot), so the contexts' write modules must be part of
 * the same application.
 */
@Module({
  providers: [ImportService],
  exports: [ImportService],
})
export class ImportModule {}
