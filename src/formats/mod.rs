//! Chatbot platforms' own export formats, lowered into walint's conversation model.

pub mod twilio_studio;
pub mod typebot;
pub mod n8n;
