// Jest's node environment, with Node's own Float32Array: ONNX Runtime's native binding returns
// outputs made in Node's realm, and onnxruntime-common (loaded inside Jest's VM context) checks
// them with `instanceof Float32Array` of the context's realm, which fails without this.
import { TestEnvironment } from 'jest-environment-node';

export default class OnnxTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.Float32Array = Float32Array;
  }
}
