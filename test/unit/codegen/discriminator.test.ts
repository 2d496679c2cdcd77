import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers';
import { generateInto, strictTypeErrors, workspace } from './support';

/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument */
// The generated module is imported at run time from a temp folder, so the test sees it untyped.
type Module = any;

const DOCUMENT = path.join(ROOT, 'test/fixtures/codegen/discriminator.yaml');

describe('codegen: a oneOf with a discriminator', () => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  let out: string;
  let generated: Module;

  before(async () => {
    ws = await workspace();
    out = path.join(ws.dir, 'client');
    await generateInto(DOCUMENT, out);
    generated = await import(path.join(out, 'index.ts'));
  });
  after(() => ws.dispose());

  it('gives each variant a literal tag (const, one-value enum, else its schema name) and the union its variants', async () => {
    const types = await readFile(path.join(out, 'types.ts'), 'utf8');
    assert.match(types, /export type Pet = \(Cat \| Dog \| Lizard\)/);
    assert.match(types, /export interface Cat \{\n {2}petType: "cat"\n/);
    assert.match(types, /export interface Dog \{\n {2}petType: "Dog"\n/);
    assert.match(types, /export interface Lizard \{\n {2}petType: "lizard"\n/);
  });

  it('names inline variants after their tag, with or without a discriminator keyword, each with a guard', async () => {
    const types = await readFile(path.join(out, 'types.ts'), 'utf8');
    assert.match(types, /export type Vehicle = \(VehicleCar \| VehicleTruck\)/);
    assert.match(types, /export interface VehicleTruck \{\n {2}vehicleType: "truck"\n/);
    assert.match(types, /shape: \(ShapeCircle \| ShapeSquare\)/);
    assert.match(types, /export interface ShapeCircle \{\n {2}kind: "circle"\n/);
    for (const guard of ['isVehicleCar', 'isVehicleTruck', 'isShapeCircle', 'isShapeSquare']) assert.equal(typeof generated[guard], 'function', guard);
  });

  it('compiles under tsc --strict, narrows on the tag exhaustively, and rejects an unknown tag', async () => {
    await writeFile(
      path.join(ws.dir, 'narrowing.ts'),
      [
        "import { isDog, isShapeSquare, isVehicleTruck, type Pet, type ShapeDrawnPayload, type Vehicle } from './client/index.js';",
        'export function describePet(pet: Pet): string {',
        '  switch (pet.petType) {',
        "    case 'cat':",
        '      return pet.huntingSkill;',
        "    case 'Dog':",
        '      return String(pet.packSize);',
        "    case 'lizard':",
        "      return pet.lovesRocks ? 'rocks' : 'no rocks';",
        '    default: {',
        '      const unreachable: never = pet;',
        '      return unreachable;',
        '    }',
        '  }',
        '}',
        'export function packSizeOf(value: unknown): number | undefined {',
        '  return isDog(value) ? value.packSize : undefined;',
        '}',
        'export function areaOf(payload: ShapeDrawnPayload): number {',
        "  return payload.shape.kind === 'circle' ? Math.PI * payload.shape.radius ** 2 : payload.shape.side ** 2;",
        '}',
        'export function sideOf(value: unknown): number | undefined {',
        '  return isShapeSquare(value) ? value.side : undefined;',
        '}',
        'export function axlesOf(vehicle: Vehicle): number | undefined {',
        '  return isVehicleTruck(vehicle) ? vehicle.axles : undefined;',
        '}',
        '// @ts-expect-error: a circle has no side',
        "export const oddShape: ShapeDrawnPayload = { shape: { kind: 'circle', side: 2 } };",
        '// @ts-expect-error: no variant has this tag',
        "export const hamster: Pet = { petType: 'hamster', name: 'Rex' };",
        '// @ts-expect-error: a cat tag with a dog body',
        "export const confused: Pet = { petType: 'cat', name: 'Rex', packSize: 3 };",
      ].join('\n'),
    );
    const result = await strictTypeErrors(ws.dir);
    assert.equal(result, '', result);
  });

  it('type guards and the validator tell the variants apart at run time', () => {
    const cat = { petType: 'cat', name: 'Tom', huntingSkill: 'lazy' };
    const dog = { petType: 'Dog', name: 'Rex', packSize: 3 };
    const lizard = { petType: 'lizard', lovesRocks: true };
    assert.deepEqual([cat, dog, lizard, null, 'cat', { petType: 'hamster' }].map((value) => [generated.isCat(value), generated.isDog(value), generated.isLizard(value)]), [
      [true, false, false],
      [false, true, false],
      [false, false, true],
      [false, false, false],
      [false, false, false],
      [false, false, false],
    ]);
    const circle = { kind: 'circle', radius: 1 };
    const square = { kind: 'square', side: 2 };
    assert.deepEqual([circle, square, { kind: 'triangle' }].map((value) => [generated.isShapeCircle(value), generated.isShapeSquare(value)]), [
      [true, false],
      [false, true],
      [false, false],
    ]);
    assert.deepEqual([generated.isVehicleCar({ vehicleType: 'car', seats: 4 }), generated.isVehicleTruck({ vehicleType: 'car', seats: 4 })], [true, false]);
    assert.equal(generated.validateShapeDrawnPayload({ shape: square }), true);
    assert.equal(generated.validateShapeDrawnPayload({ shape: { kind: 'circle', side: 2 } }), false);
    for (const pet of [cat, dog, lizard]) assert.equal(generated.validatePet(pet), true, generated.validatePet.errors.join('; '));
    // A dog without its tag: the tag is required once the variant is pinned to it.
    assert.equal(generated.validatePet({ name: 'Rex', packSize: 3 }), false);
    assert.equal(generated.validatePet({ petType: 'cat', name: 'Rex', packSize: 3 }), false);
    assert.ok(generated.validatePet.errors.length > 0);
  });
});
