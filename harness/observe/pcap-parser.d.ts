// Types for pcap-parser 0.2.1 (CommonJS, ships none): only what pcap.ts uses.
// The parser reads classic pcap (magics a1b2c3d4 / d4c3b2a1) and emits one
// 'packet' per record; a record cut short at the end of the file is dropped.

declare module 'pcap-parser' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  namespace pcapParser {
    interface GlobalHeader {
      magicNumber: number;
      majorVersion: number;
      minorVersion: number;
      gmtOffset: number;
      timestampAccuracy: number;
      snapshotLength: number;
      linkLayerType: number;
    }

    interface PacketHeader {
      timestampSeconds: number;
      timestampMicroseconds: number;
      capturedLength: number;
      originalLength: number;
    }

    interface Packet {
      header: PacketHeader;
      data: Buffer;
    }

    interface Parser extends EventEmitter {
      on(event: 'globalHeader', listener: (header: GlobalHeader) => void): this;
      on(event: 'packet', listener: (packet: Packet) => void): this;
      on(event: 'end', listener: () => void): this;
      on(event: 'error', listener: (error: Error) => void): this;
    }

    /** A file path, or a readable stream of pcap bytes. */
    function parse(input: string | Readable): Parser;
  }

  export = pcapParser;
}
