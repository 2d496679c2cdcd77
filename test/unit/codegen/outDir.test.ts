import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { resolveOutDir } from '../../../src/core/codegen/outDir';
import { operationAnchors } from '../../../src/core/nav/outline';
import { CORPUS, EXAMPLES } from '../helpers';

describe('codegen: output folder and operation anchors', () => {
  it('resolves the outDir setting per document', () => {
    const workspace = path.resolve('/ws');
    assert.equal(resolveOutDir('generated/${documentName}', path.join(workspace, 'orders', 'asyncapi.yaml'), workspace), path.join(workspace, 'generated', 'orders'));
    assert.equal(resolveOutDir('', path.join(workspace, 'specs', 'billing.yml'), workspace), path.join(workspace, 'generated', 'billing'));
    assert.equal(resolveOutDir('out/${documentName}-client', path.join(workspace, 'a', 'Shop.JSON'), undefined), path.join(workspace, 'a', 'out', 'Shop-client'));
    assert.equal(resolveOutDir(path.resolve('/abs/client'), path.join(workspace, 'x.yaml'), workspace), path.resolve('/abs/client'));
  });

  it('anchors 3.x operations at their keys and 2.x operations at publish/subscribe under their operationId', async () => {
    const orders = await readFile(path.join(EXAMPLES, 'orders', 'asyncapi.yaml'), 'utf8');
    const anchors = operationAnchors(orders);
    const placed = anchors.find((anchor) => anchor.operationId === 'publishOrderPlaced');
    assert.ok(placed);
    assert.match(orders.split('\n')[placed.range.start.line]!, /^ {2}publishOrderPlaced:/);
    assert.ok(anchors.some((anchor) => anchor.operationId === 'requestPayment'));

    const streetlights = await readFile(path.join(CORPUS, 'v2.6', 'streetlights-mqtt.yml'), 'utf8');
    const v2 = operationAnchors(streetlights);
    assert.deepEqual(v2.map((anchor) => anchor.operationId), ['receiveLightMeasurement', 'turnOn', 'turnOff', 'dimLight']);
    assert.match(streetlights.split('\n')[v2[0]!.range.start.line]!, /^ {4}publish:/);
  });
});
