// The look of a template (certificate_templates.design), as the renderer defines and validates it.
// Imported from the renderer's pure definitions so the API and the database never load fonts.
export { certificateDesignSchema, defaultCertificateDesign, type CertificateDesign, type CertificateFacts } from './render/design.ts';
