// Node has WebAssembly, but the project's TypeScript libs (ES2023, no DOM) do not declare the parts used here.
declare global {
  namespace WebAssembly {
    class Module {
      constructor(bytes: ArrayBufferView | ArrayBuffer);
    }
    function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<Module>;
    class Memory {
      constructor(descriptor: { initial: number; maximum?: number });
      readonly buffer: ArrayBuffer;
      grow(deltaPages: number): number;
    }
  }
}

export {};
