import { ValidationPipe } from '@nestjs/common';

/** Placeholder (write-side owner replaces it): DTO validation options shared by HTTP and import. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
}
