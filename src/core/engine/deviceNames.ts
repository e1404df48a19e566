// The device names every layer shares (engine, CLI flags, settings, project file, worker protocol); no imports,
// so that protocol files and the extension can name devices without loading onnxruntime.
export const DEVICE_REQUESTS = ['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml'] as const;
export type DeviceRequest = (typeof DEVICE_REQUESTS)[number];
export type Device = Exclude<DeviceRequest, 'auto'>;
