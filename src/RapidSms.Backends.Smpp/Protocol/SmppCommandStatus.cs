namespace RapidSms.Backends.Smpp.Protocol;

/// <summary>The command_status of an SMPP 3.4 response: <see cref="Ok"/> or an error code.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1028:Enum storage should be Int32", Justification = "command_status is an unsigned 32-bit field on the wire.")]
public enum SmppCommandStatus : uint
{
    /// <summary>ESME_ROK: no error.</summary>
    Ok = 0x00,

    /// <summary>ESME_RINVMSGLEN: message length is invalid.</summary>
    InvalidMessageLength = 0x01,

    /// <summary>ESME_RINVCMDLEN: command length is invalid.</summary>
    InvalidCommandLength = 0x02,

    /// <summary>ESME_RINVCMDID: invalid command id.</summary>
    InvalidCommandId = 0x03,

    /// <summary>ESME_RINVBNDSTS: incorrect bind status for the command.</summary>
    InvalidBindStatus = 0x04,

    /// <summary>ESME_RALYBND: already bound.</summary>
    AlreadyBound = 0x05,

    /// <summary>ESME_RINVPRTFLG: invalid priority flag.</summary>
    InvalidPriorityFlag = 0x06,

    /// <summary>ESME_RINVREGDLVFLG: invalid registered delivery flag.</summary>
    InvalidRegisteredDeliveryFlag = 0x07,

    /// <summary>ESME_RSYSERR: system error.</summary>
    SystemError = 0x08,

    /// <summary>ESME_RINVSRCADR: invalid source address.</summary>
    InvalidSourceAddress = 0x0A,

    /// <summary>ESME_RINVDSTADR: invalid destination address.</summary>
    InvalidDestinationAddress = 0x0B,

    /// <summary>ESME_RINVMSGID: message id is invalid.</summary>
    InvalidMessageId = 0x0C,

    /// <summary>ESME_RBINDFAIL: bind failed.</summary>
    BindFailed = 0x0D,

    /// <summary>ESME_RINVPASWD: invalid password.</summary>
    InvalidPassword = 0x0E,

    /// <summary>ESME_RINVSYSID: invalid system id.</summary>
    InvalidSystemId = 0x0F,

    /// <summary>ESME_RCANCELFAIL: cancel_sm failed.</summary>
    CancelFailed = 0x11,

    /// <summary>ESME_RREPLACEFAIL: replace_sm failed.</summary>
    ReplaceFailed = 0x13,

    /// <summary>ESME_RMSGQFUL: message queue full.</summary>
    MessageQueueFull = 0x14,

    /// <summary>ESME_RINVSERTYP: invalid service type.</summary>
    InvalidServiceType = 0x15,

    /// <summary>ESME_RINVNUMDESTS: invalid number of destinations.</summary>
    InvalidNumberOfDestinations = 0x33,

    /// <summary>ESME_RINVDLNAME: invalid distribution list name.</summary>
    InvalidDistributionListName = 0x34,

    /// <summary>ESME_RINVDESTFLAG: invalid destination flag (submit_multi).</summary>
    InvalidDestinationFlag = 0x40,

    /// <summary>ESME_RINVSUBREP: invalid submit with replace request.</summary>
    InvalidSubmitWithReplace = 0x42,

    /// <summary>ESME_RINVESMCLASS: invalid esm_class field data.</summary>
    InvalidEsmClass = 0x43,

    /// <summary>ESME_RCNTSUBDL: cannot submit to a distribution list.</summary>
    CannotSubmitToDistributionList = 0x44,

    /// <summary>ESME_RSUBMITFAIL: submit_sm or submit_multi failed.</summary>
    SubmitFailed = 0x45,

    /// <summary>ESME_RINVSRCTON: invalid source address TON.</summary>
    InvalidSourceTon = 0x48,

    /// <summary>ESME_RINVSRCNPI: invalid source address NPI.</summary>
    InvalidSourceNpi = 0x49,

    /// <summary>ESME_RINVDSTTON: invalid destination address TON.</summary>
    InvalidDestinationTon = 0x50,

    /// <summary>ESME_RINVDSTNPI: invalid destination address NPI.</summary>
    InvalidDestinationNpi = 0x51,

    /// <summary>ESME_RINVSYSTYP: invalid system_type field.</summary>
    InvalidSystemType = 0x53,

    /// <summary>ESME_RINVREPFLAG: invalid replace_if_present flag.</summary>
    InvalidReplaceFlag = 0x54,

    /// <summary>ESME_RINVNUMMSGS: invalid number of messages.</summary>
    InvalidNumberOfMessages = 0x55,

    /// <summary>ESME_RTHROTTLED: throttling error; the ESME exceeded its allowed message limits.</summary>
    Throttled = 0x58,

    /// <summary>ESME_RINVSCHED: invalid scheduled delivery time.</summary>
    InvalidScheduledDeliveryTime = 0x61,

    /// <summary>ESME_RINVEXPIRY: invalid validity period.</summary>
    InvalidExpiry = 0x62,

    /// <summary>ESME_RINVDFTMSGID: predefined message invalid or not found.</summary>
    InvalidDefaultMessageId = 0x63,

    /// <summary>ESME_RX_T_APPN: ESME receiver temporary application error.</summary>
    ReceiverTemporaryAppError = 0x64,

    /// <summary>ESME_RX_P_APPN: ESME receiver permanent application error.</summary>
    ReceiverPermanentAppError = 0x65,

    /// <summary>ESME_RX_R_APPN: ESME receiver reject message error.</summary>
    ReceiverRejectMessage = 0x66,

    /// <summary>ESME_RQUERYFAIL: query_sm failed.</summary>
    QueryFailed = 0x67,

    /// <summary>ESME_RINVOPTPARSTREAM: error in the optional part of the PDU body.</summary>
    InvalidOptionalParameterStream = 0xC0,

    /// <summary>ESME_ROPTPARNOTALLWD: optional parameter not allowed.</summary>
    OptionalParameterNotAllowed = 0xC1,

    /// <summary>ESME_RINVPARLEN: invalid parameter length.</summary>
    InvalidParameterLength = 0xC2,

    /// <summary>ESME_RMISSINGOPTPARAM: expected optional parameter missing.</summary>
    MissingOptionalParameter = 0xC3,

    /// <summary>ESME_RINVOPTPARAMVAL: invalid optional parameter value.</summary>
    InvalidOptionalParameterValue = 0xC4,

    /// <summary>ESME_RDELIVERYFAILURE: delivery failure (data_sm_resp).</summary>
    DeliveryFailure = 0xFE,

    /// <summary>ESME_RUNKNOWNERR: unknown error.</summary>
    UnknownError = 0xFF,
}
