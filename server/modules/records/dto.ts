import { z } from 'zod';

export const idParam = z.object({ id: z.uuid() });

/** A binary download in the OpenAPI document. */
export const download = (type: string, description: string) => ({ description, content: { [type]: { schema: z.string().meta({ format: 'binary' }) } } });
