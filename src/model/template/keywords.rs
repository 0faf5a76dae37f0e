//! The closed sets of values a template's fields take, as Meta spells them.

use crate::model::reader::keyword_enum;

keyword_enum! {
    pub enum Category: "template category", expected "AUTHENTICATION, MARKETING, UTILITY" {
        Authentication = "AUTHENTICATION",
        Marketing = "MARKETING",
        Utility = "UTILITY",
        /// A category Meta used before 2023 (`TRANSACTIONAL`, `OTP`, `ACCOUNT_UPDATE`, ...).
        /// Meta's exports still carry them in `previous_category`, where they are read silently;
        /// as the `category` of a template they are a schema problem (WA002).
        Legacy = "TRANSACTIONAL"
            | "OTP"
            | "ACCOUNT_UPDATE"
            | "ALERT_UPDATE"
            | "APPOINTMENT_UPDATE"
            | "AUTO_REPLY"
            | "ISSUE_RESOLUTION"
            | "PAYMENT_UPDATE"
            | "PERSONAL_FINANCE_UPDATE"
            | "RESERVATION_UPDATE"
            | "SHIPPING_UPDATE"
            | "TICKET_UPDATE"
            | "TRANSPORTATION_UPDATE",
    }
}

keyword_enum! {
    /// Review states Meta reports for a template (`message_template_status_update` events).
    pub enum Status: "template status" {
        Approved = "APPROVED",
        Pending = "PENDING",
        Rejected = "REJECTED",
        Paused = "PAUSED",
        Disabled = "DISABLED",
        Flagged = "FLAGGED",
        InAppeal = "IN_APPEAL",
        Reinstated = "REINSTATED",
        PendingDeletion = "PENDING_DELETION",
        Deleted = "DELETED",
        Archived = "ARCHIVED",
        Unarchived = "UNARCHIVED",
        LimitExceeded = "LIMIT_EXCEEDED",
        Locked = "LOCKED",
    }
}

keyword_enum! {
    /// `parameter_format`: omitted means positional.
    pub enum ParameterFormat: "parameter format" {
        Positional = "POSITIONAL",
        Named = "NAMED",
    }
}

keyword_enum! {
    pub enum ComponentType: "component type" {
        Header = "HEADER",
        Body = "BODY",
        Footer = "FOOTER",
        Buttons = "BUTTONS",
        Carousel = "CAROUSEL",
        LimitedTimeOffer = "LIMITED_TIME_OFFER",
    }
}

keyword_enum! {
    /// A header's `format`.
    pub enum HeaderFormat: "header format" {
        Text = "TEXT",
        Image = "IMAGE",
        Video = "VIDEO",
        Gif = "GIF",
        Document = "DOCUMENT",
        Location = "LOCATION",
        Product = "PRODUCT",
    }
}

impl HeaderFormat {
    /// Formats whose sample is an uploaded asset (`example.header_handle`).
    pub fn is_media(self) -> bool {
        matches!(
            self,
            HeaderFormat::Image | HeaderFormat::Video | HeaderFormat::Gif | HeaderFormat::Document
        )
    }
}

keyword_enum! {
    pub enum ButtonType: "button type" {
        QuickReply = "QUICK_REPLY",
        Url = "URL",
        PhoneNumber = "PHONE_NUMBER",
        CopyCode = "COPY_CODE",
        Otp = "OTP",
        Flow = "FLOW",
        Catalog = "CATALOG",
        Mpm = "MPM",
        Spm = "SPM",
        VoiceCall = "VOICE_CALL",
        App = "APP",
        CallPermissionRequest = "CALL_PERMISSION_REQUEST",
        RequestContactInfo = "REQUEST_CONTACT_INFO",
    }
}

keyword_enum! {
    /// An OTP button's `otp_type`.
    pub enum OtpType: "OTP type" {
        CopyCode = "COPY_CODE",
        OneTap = "ONE_TAP",
        ZeroTap = "ZERO_TAP",
    }
}

keyword_enum! {
    /// A FLOW button's `flow_action`.
    pub enum FlowAction: "flow action" {
        Navigate = "NAVIGATE",
        DataExchange = "DATA_EXCHANGE",
    }
}
