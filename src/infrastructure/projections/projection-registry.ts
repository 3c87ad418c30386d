import { PROJECTION_NAME_PATTERN, projectionBaseName, type Projection } from './projection.js';

/**
 * The one place projections are registered (contexts do it through ProjectionsModule.forFeature). Infrastructure
 * never imports a context: it only sees the Projection interface.
 */
export class ProjectionRegistry {
  private readonly byName = new Map<string, Projection>();

  register(...projections: Projection[]): void {
    for (const projection of projections) {
      if (!PROJECTION_NAME_PATTERN.test(projection.name)) {
        throw new Error(`projection name "${projection.name}" must look like context.model.v1`);
      }
      const existing = this.byName.get(projection.name);
      if (existing === projection) continue;
      if (existing) throw new Error(`projection "${projection.name}" registered twice`);
      const base = projectionBaseName(projection.name);
      const sibling = [...this.byName.keys()].find((name) => projectionBaseName(name) === base);
      if (sibling) throw new Error(`projections "${sibling}" and "${projection.name}" are two versions of one model`);
      this.byName.set(projection.name, projection);
    }
  }

  list(): Projection[] {
    return [...this.byName.values()];
  }

  get(name: string): Projection | undefined {
    return this.byName.get(name);
  }
}
